/**
 * The consumer path: `npm pack` the project, install the tarball into an empty folder (npm registry only, CPU
 * only), then run the CLI, an ESM import and `serve` from there. Slow and needs the npm registry, so it runs
 * when GLINER_TEST_PACK=1 (as .ci/run sets it).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { runCommand as run } from "../helpers/cli.js";
import { startServer } from "./consumer.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const enabled = process.env["GLINER_TEST_PACK"] === "1";
const skip = enabled ? false : "set GLINER_TEST_PACK=1 to pack and install the package (needs the npm registry)";
const TEXT = "Microsoft was founded by Bill Gates and Paul Allen.";
const LABELS = ["person", "company"];

let dir: string;
let consumer: string;
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
let install: { stderr: string; seconds: number };

before(async () => {
  if (!enabled) return;
  dir = await mkdtemp(join(tmpdir(), "gliner-pack-"));
  const pack = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT });
  assert.equal(pack.code, 0, pack.stderr);
  // The prepare script's build output comes first on stdout; npm's JSON report is the last thing.
  const report = pack.stdout.slice(pack.stdout.search(/^\[\s*\{/m));
  packed = (JSON.parse(report) as (typeof packed)[])[0] as typeof packed;
  consumer = join(dir, "consumer");
  await mkdir(consumer);
  await writeFile(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // What the README tells users on Linux x64: keep onnxruntime-node's install script from fetching CUDA.
  await writeFile(join(consumer, ".npmrc"), "onnxruntime-node-install=skip\n");
  const started = Date.now();
  const installed = await run("npm", ["install", join(dir, packed.filename), "--no-audit", "--no-fund", "--prefer-offline"], { cwd: consumer });
  install = { stderr: installed.stderr, seconds: (Date.now() - started) / 1000 };
  assert.equal(installed.code, 0, installed.stderr);
  process.stderr.write(
    `pack: ${packed.files.length} files, ${(packed.size / 1e6).toFixed(1)} MB (${(packed.unpackedSize / 1e6).toFixed(1)} MB unpacked); ` +
      `installed in ${install.seconds.toFixed(0)} s, node_modules ${(await sizeOf(join(consumer, "node_modules")) / 1e6).toFixed(0)} MB\n`,
  );
});
after(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

test("the tarball has the builds, the LICENSE, no source maps and nothing test-only", { skip }, () => {
  const files = new Set(packed.files.map((f) => f.path));
  for (const needed of ["LICENSE", "README.md", "package.json", "dist/cli/bin.js", "dist/node.js", "dist/node.d.ts", "dist/server/page/index.html", "dist-web/page-engine.js", "dist-web/client.js"]) {
    assert.ok(files.has(needed), `${needed} is missing from the tarball`);
  }
  assert.ok([...files].some((f) => /^dist-web\/ort\/.*\.wasm$/.test(f)), "ONNX Runtime's .wasm files are missing from dist-web/ort");
  const unwanted = [...files].filter((f) => f.endsWith(".map") || f.startsWith("src/") || f.startsWith("test/") || f.startsWith("dist-web/modules/"));
  assert.deepEqual(unwanted, []);
});

test("installing it needs no CUDA download, no browser runtime and no newer Node than engines says", { skip }, () => {
  assert.doesNotMatch(install.stderr, /EBADENGINE/);
  assert.equal(existsSync(join(consumer, "node_modules", "onnxruntime-web")), false, "onnxruntime-web is an optional peer: not installed for Node users");
  assert.equal(existsSync(join(consumer, "node_modules", "onnxruntime-node", "bin", "napi-v6", "linux", "x64", "libonnxruntime_providers_cuda.so")), false);
});

test("the installed CLI runs the README's main job on a local model", { skip }, async () => {
  const expected = await expectedEntities();
  const result = await run(join(consumer, "node_modules", ".bin", "gliner-ts"), ["ner", TEXT, "--labels", LABELS.join(","), "--model", SPAN_MODEL], { cwd: consumer });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { entities: expected });
});

test("an ESM import of the installed package gives the same entities", { skip }, async () => {
  const script = `import { GLiNER } from "gliner-ts";
const model = await GLiNER.fromPretrained(${JSON.stringify(SPAN_MODEL)});
console.log(JSON.stringify(await model.predictEntities(${JSON.stringify(TEXT)}, ${JSON.stringify(LABELS)})));
await model.dispose();`;
  const result = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), await expectedEntities());
});

test("serve from the install has the browser build under /web/", { skip }, async () => {
  const bin = join(consumer, "node_modules", ".bin", "gliner-ts");
  const { url, child } = await startServer(bin, ["serve", "--model", SPAN_MODEL, "--port", "0"], consumer);
  try {
    const engine = await fetch(`${url}/web/page-engine.js`);
    assert.equal(engine.status, 200);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
  } finally {
    child.removeAllListeners("close");
    const exited = new Promise((resolve) => child.once("close", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});

let expected: unknown;
async function expectedEntities(): Promise<unknown> {
  if (expected !== undefined) return expected;
  const model = await GLiNER.fromPretrained(SPAN_MODEL);
  try {
    expected = JSON.parse(JSON.stringify(await model.predictEntities(TEXT, LABELS)));
    return expected;
  } finally {
    await model.dispose();
  }
}

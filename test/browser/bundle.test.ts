/**
 * The browser build (dist-web/, `npm run build:web`): self-contained, no Node code, no CDN, and within its size
 * budget. Fails when anything in it imports `fs`, `path`, another Node built-in or `onnxruntime-node`, or names
 * a CDN URL. Prints the size report (JS gzipped, wasm).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { scanBundle, urlHost } from "./bundle-scan.js";
import { DIST_WEB, ensureWebBuild, ROOT } from "./setup.js";

/** Hosts a built file may name. None is a script or wasm source; anything else (a CDN) fails the test. */
const ALLOWED_URL_HOSTS: Readonly<Record<string, string>> = {
  "huggingface.co": "the default hub endpoint, used only for models given as a hub repo id",
  "web.dev": "an ORT warning message about cross-origin isolation",
  "rolldown.rs": "the bundler's error message for a require() that cannot run",
};
const CDN_PATTERN = /jsdelivr|unpkg|cdnjs|esm\.sh|skypack|jspm|esm\.run|googleapis|cloudflare|\bcdn\./i;
/**
 * The one Node module name allowed: ONNX Runtime's WASM backend sizes its thread pool with
 * `navigator.hardwareConcurrency` and only where `navigator` is undefined (Node) falls back to `require("node:os")`.
 */
const ALLOWED_NODE_MODULES = new Set(["node:os"]);
/** Source folders that hold Node-only code (see eslint.config.js): none of it may reach the browser build. */
const NODE_ONLY_SOURCES = /^src\/(runtime\/node|node\.ts|cli\/|server\/|queue\/|batch\/|convert\/|eval\/)/;

const KB = 1024;

/** client.js and every chunk it imports, directly or not (paths relative to dist-web). */
function clientChunks(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const s of scanBundle(readFileSync(path.join(DIST_WEB, file), "utf8")).specifiers) {
      if (s !== undefined) visit(path.posix.join(path.posix.dirname(file), s));
    }
  };
  visit("client.js");
  return [...seen];
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe("browser bundle", () => {
  let built: string[];
  let jsFiles: string[];
  before(() => {
    ensureWebBuild();
    built = files(DIST_WEB).map((p) => path.relative(DIST_WEB, p).split(path.sep).join("/"));
    jsFiles = built.filter((f) => f.endsWith(".js"));
  });

  test("has the entries, the worker and ORT's wasm files unchanged", () => {
    for (const entry of ["client.js", "web.js", "ort/ort-wasm-simd-threaded.wasm"]) assert.ok(built.includes(entry), `dist-web/${entry} is missing`);
    const wasm = readFileSync(path.join(DIST_WEB, "ort/ort-wasm-simd-threaded.wasm"));
    const original = readFileSync(path.join(ROOT, "node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm"));
    assert.ok(wasm.equals(original), "ort-wasm-simd-threaded.wasm differs from onnxruntime-web's");
    // client.js may be a facade over a chunk shared with page-engine.js: the worker reference is in one of them.
    const clientFiles = clientChunks();
    const code = clientFiles.map((file) => readFileSync(path.join(DIST_WEB, file), "utf8")).join("\n");
    const worker = /new URL\(`((?:\.\/|\.\.\/)?(?:assets\/)?worker-[\w-]+\.js)`/.exec(code)?.[1];
    const workerFile = worker && path.posix.join("assets", path.posix.basename(worker));
    assert.ok(workerFile && built.includes(workerFile), `client.js (${clientFiles.join(", ")}) does not start a worker file that exists (found ${worker})`);
  });

  test("the module graph holds the browser code and no Node-only module", () => {
    const graphs = ["page", "worker"].map((build) => JSON.parse(readFileSync(path.join(DIST_WEB, "modules", `${build}.json`), "utf8")) as Record<string, string[]>);
    const modules = [...new Set(graphs.flatMap((graph) => Object.values(graph).flat()))];
    // Proof that the graph is the real one, so that the absence checks below mean something.
    for (const expected of ["src/web/worker.ts", "src/runtime/web.ts", "src/pipeline.ts", "node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs"]) {
      assert.ok(modules.includes(expected), `${expected} is not in the module graph`);
    }
    const offending = modules.filter(
      (id) => id.startsWith("node:") || id.includes("onnxruntime-node") || NODE_ONLY_SOURCES.test(id) || /^(fs|path|os|crypto)$/.test(id),
    );
    assert.deepEqual(offending, [], "Node-only modules in the browser build");
  });

  test("every import is a relative chunk; no fs, path, Node built-in or onnxruntime-node by name", () => {
    for (const file of jsFiles) {
      const scan = scanBundle(readFileSync(path.join(DIST_WEB, file), "utf8"));
      const external = scan.specifiers.filter((s): s is string => s !== undefined && !s.startsWith("./") && !s.startsWith("../"));
      assert.deepEqual(external, [], `${file} imports modules that are not in the build`);
      assert.deepEqual(scan.nodeModules.filter((m) => !ALLOWED_NODE_MODULES.has(m)), [], `${file} names Node modules`);
    }
  });

  test("names no CDN: every URL in the built JavaScript is on the allowlist", () => {
    for (const file of jsFiles) {
      const code = readFileSync(path.join(DIST_WEB, file), "utf8");
      const hosts = [...new Set(scanBundle(code).urls.map(urlHost))];
      assert.deepEqual(hosts.filter((host) => !(host in ALLOWED_URL_HOSTS)), [], `${file} names URLs outside the allowlist`);
      // Comments too: a CDN named anywhere in the output is a finding.
      assert.doesNotMatch(code, CDN_PATTERN, `${file} mentions a CDN`);
    }
  });

  test("the scanner finds what it looks for", () => {
    const scan = scanBundle(
      'import fs from "fs"; export { join } from "node:path"; const o = await import("onnxruntime-node");' +
        'const r = q(`node:os`); const u = "https://cdn.jsdelivr.net/npm/onnxruntime-web/dist/"; import("./chunk.js");',
    );
    assert.deepEqual(scan.specifiers, ["fs", "node:path", "onnxruntime-node", "./chunk.js"]);
    assert.deepEqual(scan.nodeModules.sort(), ["fs", "node:os", "node:path", "onnxruntime-node"]);
    assert.deepEqual(scan.urls.map(urlHost), ["cdn.jsdelivr.net"]);
  });

  test("size report and budget", () => {
    const gz = (file: string) => gzipSync(readFileSync(path.join(DIST_WEB, file))).length;
    const size = (file: string) => statSync(path.join(DIST_WEB, file)).size;
    const workerGraph = JSON.parse(readFileSync(path.join(DIST_WEB, "modules", "worker.json"), "utf8")) as Record<string, string[]>;
    // What a page using the worker on WASM downloads: client.js, its chunks, the worker chunk(s) without the WebGPU build, the wasm.
    const workerChunks = Object.keys(workerGraph).filter((chunk) => !chunk.includes("webgpu"));
    const sum = (list: string[], f: (file: string) => number) => list.reduce((total, file) => total + f(file), 0);
    const report = {
      "page JS (client.js + chunks), gzip": sum(clientChunks(), gz),
      "worker JS (WASM backend), gzip": sum(workerChunks, gz),
      "worker JS (WASM backend), raw": sum(workerChunks, size),
      "web.js (in-page GLiNER), gzip": gz("web.js"),
      "ort-wasm-simd-threaded.wasm, raw": size("ort/ort-wasm-simd-threaded.wasm"),
      "ort-wasm-simd-threaded.wasm, gzip": gz("ort/ort-wasm-simd-threaded.wasm"),
      "WebGPU build (loaded with device webgpu): JS gzip": sum(Object.keys(workerGraph).filter((chunk) => chunk.includes("webgpu")), gz),
      "WebGPU build: ort-wasm-simd-threaded.asyncify.wasm, raw": size("ort/ort-wasm-simd-threaded.asyncify.wasm"),
    };
    for (const [what, bytes] of Object.entries(report)) console.log(`# ${what}: ${(bytes / KB).toFixed(1)} KiB`);
    assert.ok(report["page JS (client.js + chunks), gzip"] < 4 * KB, "the page-side client grew past 4 KiB gzipped: does it import the model code?");
    assert.ok(report["worker JS (WASM backend), gzip"] < 120 * KB, "the worker grew past 120 KiB gzipped");
  });
});

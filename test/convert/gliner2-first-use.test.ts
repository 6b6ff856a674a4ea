/**
 * Convert on first use (`ensureGliner2Onnx`) and `gliner-ts convert` for GLiNER2: a hub repo or folder with only
 * model.safetensors becomes a cached folder with the boundary ONNX (converted once, reused, one file per dtype);
 * a source that already has the ONNX is returned untouched.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as ort from "onnxruntime-node";
import { convertModel, ensureGliner2Onnx } from "../../src/convert/index.js";
import { InvalidInputError } from "../../src/errors.js";
import { runCli } from "../helpers/cli.js";
import { DEFAULT_TEST_COMMIT, type HubServer, startHubServer } from "../helpers/hub-server.js";
import { maxAbsDiff } from "./golden-run.js";
import { GLINER2_FIXTURE, goldenBatches, OUTPUTS, runBoundary } from "./gliner2-run.js";

const BARE = "test-org/gliner2-bare"; // config + weights + tokenizer, no ONNX (like fastino/gliner2-base-v1)
const EXPORTED = "test-org/gliner2-onnx";
let hub: HubServer;
let dir: string;
let bare: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gliner2-first-use-"));
  bare = join(dir, "bare");
  await cp(GLINER2_FIXTURE, bare, { recursive: true, filter: (src) => !src.includes(`${GLINER2_FIXTURE}/onnx`) });
  hub = await startHubServer({ repos: { [BARE]: bare, [EXPORTED]: GLINER2_FIXTURE } });
});
after(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

/** The converted folder's ONNX gives the reference boundary's outputs on a golden batch. */
async function assertBoundary(folder: string, file = "model.onnx"): Promise<void> {
  const [ours, reference] = await Promise.all([
    ort.InferenceSession.create(join(folder, "onnx", file)),
    ort.InferenceSession.create(join(GLINER2_FIXTURE, "onnx", "model.onnx")),
  ]);
  const batch = goldenBatches().find((b) => b.caseId === "combined")!;
  const [got, expected] = await Promise.all([runBoundary(ours, batch.inputs), runBoundary(reference, batch.inputs)]);
  const tolerance = file === "model.onnx" ? 1e-4 : 6;
  for (const name of OUTPUTS) {
    if (got[name].dims.join() !== expected[name].dims.join()) continue; // q8 may predict another count
    assert.ok(maxAbsDiff(got[name].data as Float32Array, expected[name].data as Float32Array) <= tolerance, `${folder} ${file} ${name}`);
  }
}

test("a hub repo without ONNX is converted once into the cache, per dtype, and reused (also offline)", async () => {
  const cacheDir = join(dir, "cache");
  const conversions: string[] = [];
  const options = { endpoint: hub.url, cacheDir, onConvert: ({ dtype }: { dtype: string }) => void conversions.push(dtype) };
  const folder = await ensureGliner2Onnx(BARE, options);
  assert.equal(folder, join(cacheDir, ".gliner-ts-converted", "models--test-org--gliner2-bare", DEFAULT_TEST_COMMIT));
  for (const file of ["config.json", "encoder_config/config.json", "tokenizer.json", "tokenizer_config.json"]) {
    assert.deepEqual(await readFile(join(folder, file)), await readFile(join(GLINER2_FIXTURE, file)), file);
  }
  await assertBoundary(folder);
  assert.deepEqual(conversions, ["fp32"]);

  const downloads = hub.requests.filter((r) => r.method === "GET" && r.path.endsWith("/model.safetensors")).length;
  assert.equal(await ensureGliner2Onnx(BARE, options), folder);
  assert.equal(await ensureGliner2Onnx(BARE, { ...options, localFilesOnly: true }), folder);
  assert.deepEqual(conversions, ["fp32"], "converted once");
  assert.equal(hub.requests.filter((r) => r.method === "GET" && r.path.endsWith("/model.safetensors")).length, downloads, "weights fetched once");

  assert.equal(await ensureGliner2Onnx(BARE, { ...options, dtype: "q8" }), folder);
  assert.deepEqual(conversions, ["fp32", "q8"]);
  await assertBoundary(folder, "model_quantized.onnx");
  await assertBoundary(folder); // the fp32 file is still there
});

test("a repo or folder that already has the ONNX is returned as is, without fetching weights", async () => {
  const cacheDir = join(dir, "cache-exported");
  assert.equal(await ensureGliner2Onnx(EXPORTED, { endpoint: hub.url, cacheDir }), EXPORTED);
  assert.ok(!hub.requests.some((r) => r.path.includes("gliner2-onnx") && r.path.endsWith("/model.safetensors")));
  assert.equal(await ensureGliner2Onnx(GLINER2_FIXTURE, { cacheDir }), GLINER2_FIXTURE);
});

test("a local folder is converted into the cache and again when its weights change", async () => {
  const convertedDir = join(dir, "converted");
  const conversions: string[] = [];
  const options = { convertedDir, onConvert: ({ source }: { source: string }) => void conversions.push(source) };
  const folder = await ensureGliner2Onnx(bare, options);
  assert.ok(folder.startsWith(join(convertedDir, "local--")), folder);
  await assertBoundary(folder);
  assert.equal(await ensureGliner2Onnx(bare, options), folder);
  assert.equal(conversions.length, 1);
  const later = new Date(Date.now() + 60_000);
  await utimes(join(bare, "model.safetensors"), later, later);
  assert.equal(await ensureGliner2Onnx(bare, options), folder);
  assert.equal(conversions.length, 2, "re-converted after the weights changed");
  await assertBoundary(folder);
});

test("bad requests get typed errors", async () => {
  await assert.rejects(ensureGliner2Onnx(bare, { dtype: "q4", convertedDir: join(dir, "x") }), InvalidInputError);
  await assert.rejects(ensureGliner2Onnx(join(dir, "cache"), { convertedDir: join(dir, "x") }), /nothing to load or convert/);
});

test("convertModel and the CLI convert a GLiNER2 hub repo / folder", async () => {
  const fromHub = await convertModel(BARE, join(dir, "from-hub"), { endpoint: hub.url, cacheDir: join(dir, "cache-cli") });
  assert.deepEqual(fromHub.unusedTensors, []);
  await assertBoundary(join(dir, "from-hub"));
  const result = await runCli(["convert", bare, "--out", join(dir, "cli")]);
  assert.equal(result.code, 0, result.stderr);
  assert.ok((JSON.parse(result.stdout) as { files: string[] }).files.includes("encoder_config/config.json"));
  await assertBoundary(join(dir, "cli"));
});

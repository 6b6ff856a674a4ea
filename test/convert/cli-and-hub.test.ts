/**
 * `gliner-ts convert` end to end: a checkpoint from a (local stand-in of the) hub and from a folder becomes a
 * model folder that `GLiNER.fromPretrained` loads and that predicts what the reference export predicts.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { convertModel } from "../../src/convert/index.js";
import { GLiNER } from "../../src/node.js";
import { runCli } from "../helpers/cli.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";
import { DEFAULT_TEST_REPO, type HubServer, startHubServer } from "../helpers/hub-server.js";

const TEXTS = ["Bill Gates founded Microsoft in Albuquerque in 1975.", "Marie Curie worked in Paris."];
const LABELS = ["person", "organization", "location", "date"];

let hub: HubServer;
let dir: string;
before(async () => {
  hub = await startHubServer();
  dir = await mkdtemp(join(tmpdir(), "gliner-convert-"));
});
after(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

async function assertPredictsLikeReference(converted: string, reference: string): Promise<void> {
  const [ours, theirs] = await Promise.all([GLiNER.fromPretrained(converted), GLiNER.fromPretrained(reference)]);
  assertSameEntities(
    await ours.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3 }),
    await theirs.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3 }),
    converted,
  );
  await Promise.all([ours.dispose(), theirs.dispose()]);
}

test("a hub repo id is downloaded into the cache and converted", async () => {
  const out = join(dir, "from-hub");
  const result = await convertModel(DEFAULT_TEST_REPO, out, { endpoint: hub.url, cacheDir: join(dir, "cache") });
  assert.equal(result.weightsFile, "model.safetensors");
  assert.ok(hub.requests.some((r) => r.path.endsWith("/model.safetensors")));
  assert.ok(!hub.requests.some((r) => r.path.endsWith("/onnx/model.onnx")), "the reference ONNX is never fetched");
  await assertPredictsLikeReference(out, SPAN_MODEL);
});

test("the CLI converts a folder from pytorch_model.bin and reports what it wrote", async () => {
  const out = join(dir, "cli");
  const result = await runCli(["convert", TOKEN_MODEL, "--out", out, "--weights", "pytorch"]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { weights: string; dtype: string; files: string[] };
  assert.equal(report.weights, "pytorch_model.bin");
  assert.equal(report.dtype, "fp32");
  assert.ok(report.files.includes("onnx/model.onnx"));
  await assertPredictsLikeReference(out, TOKEN_MODEL);
});

test("the CLI refuses a bad dtype with exit code 2", async () => {
  const result = await runCli(["convert", TOKEN_MODEL, "--out", join(dir, "x"), "--dtype", "int4"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--dtype must be one of fp32, fp16, q8, int8, uint8/);
});

test("the CLI's q8 conversion reports its quality against an fp32 conversion of the same checkpoint", async () => {
  const out = join(dir, "cli-q8");
  const result = await runCli(["convert", TOKEN_MODEL, "--out", out, "--dtype", "q8"]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { dtype: string; files: string[]; quality: { texts: number; maxAbsLogitDiff: number; agreement: number } };
  assert.equal(report.dtype, "q8");
  assert.deepEqual(report.files.filter((f) => f.startsWith("onnx/")), ["onnx/model_quantized.onnx"], "the fp32 reference is not left in the output");
  assert.equal(report.quality.texts, 8);
  assert.ok(report.quality.maxAbsLogitDiff > 0 && report.quality.maxAbsLogitDiff < 0.08, `max |Δ logit| ${report.quality.maxAbsLogitDiff}`);
  assert.match(result.stderr, /q8 vs fp32 on 8 probe texts: max \|Δ logit\| [\d.e-]+, entities \d+ common of \d+ \(fp32\) \/ \d+ \(q8\), agreement [\d.]+%/);
  const skipped = await runCli(["convert", TOKEN_MODEL, "--out", join(dir, "cli-q8-nocheck"), "--dtype", "q8", "--no-check"]);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal((JSON.parse(skipped.stdout) as { quality?: unknown }).quality, undefined);
});

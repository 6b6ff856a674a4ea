/** Checkpoint readers (safetensors dtypes, strided torch views, bad files), float16 rounding, option errors. */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { GlinerError, InvalidInputError, ModelLoadError } from "../../src/errors.js";
import { convertCheckpoint } from "../../src/convert/index.js";
import { readSafetensors } from "../../src/convert/safetensors.js";
import { readTorchCheckpoint } from "../../src/convert/torch-checkpoint.js";
import { floatToHalf, halfToFloat } from "../../src/convert/weights.js";
import { stateDictPickle, zipStored } from "./checkpoint-writers.js";
import { FIXTURES, flatten, goldenCases, logits, maxAbsDiff } from "./golden-run.js";

const work = mkdtempSync(join(tmpdir(), "gliner-readers-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("float16 conversion rounds to nearest even and saturates to infinity", () => {
  const cases: [number, number][] = [
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [1 + 2 ** -11, 0x3c00], // tie → even
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -26, 0x0000],
    [0.1, 0x2e66],
  ];
  for (const [value, bits] of cases) assert.equal(floatToHalf(value), bits, `${value}`);
  assert.ok(Number.isNaN(halfToFloat(floatToHalf(NaN))));
  assert.equal(halfToFloat(0x3555), 0.333251953125);
});

test("safetensors: F16 and BF16 tensors are widened to float32; truncated files are refused", async () => {
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555]);
  const bf16 = new Uint16Array([0x3f80, 0xc040]); // 1, -3
  const header = JSON.stringify({ a: { dtype: "F16", shape: [3], data_offsets: [0, 6] }, b: { dtype: "BF16", shape: [2], data_offsets: [6, 10] } });
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  const path = join(work, "t.safetensors");
  writeFileSync(path, Buffer.concat([len, Buffer.from(header), Buffer.from(f16.buffer), Buffer.from(bf16.buffer)]));
  const ckpt = await readSafetensors(path);
  assert.deepEqual([...(await ckpt.tensors.get("a")!.read())], [1, -2, 0.333251953125]);
  assert.deepEqual([...(await ckpt.tensors.get("b")!.read())], [1, -3]);
  await ckpt.close();

  writeFileSync(path, readFileSync(path).subarray(0, 20));
  await assert.rejects(readSafetensors(path), ModelLoadError);
});

test("pytorch_model.bin: contiguous, offset and transposed (strided) views of a storage", async () => {
  const storage = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
  const pickle = stateDictPickle([
    { name: "full", key: "0", numel: 8, offset: 0, shape: [2, 4], stride: [4, 1] },
    { name: "tail", key: "0", numel: 8, offset: 4, shape: [4], stride: [1] },
    { name: "transposed", key: "0", numel: 8, offset: 0, shape: [4, 2], stride: [1, 4] },
  ]);
  const path = join(work, "views.bin");
  writeFileSync(path, zipStored([
    { name: "views/data.pkl", data: pickle },
    { name: "views/data/0", data: new Uint8Array(storage.buffer) },
  ]));
  const ckpt = await readTorchCheckpoint(path);
  assert.deepEqual([...(await ckpt.tensors.get("full")!.read())], [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...(await ckpt.tensors.get("tail")!.read())], [4, 5, 6, 7]);
  assert.deepEqual([...(await ckpt.tensors.get("transposed")!.read())], [0, 4, 1, 5, 2, 6, 3, 7]);
  assert.deepEqual(ckpt.tensors.get("transposed")!.shape, [4, 2]);
  await ckpt.close();
});

test("legacy (non-zip) torch files are refused as UNSUPPORTED", async () => {
  const path = join(work, "legacy.bin");
  writeFileSync(path, Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]));
  await assert.rejects(readTorchCheckpoint(path), (e: unknown) => e instanceof GlinerError && e.code === "UNSUPPORTED");
});

test("convertCheckpoint: bad options and unusable folders give typed errors", async () => {
  const source = join(FIXTURES, "models", "span-markerv0");
  await assert.rejects(convertCheckpoint(source, join(work, "x"), { dtype: "int4" as never }), (e: unknown) => e instanceof InvalidInputError && e.argument === "dtype");
  await assert.rejects(convertCheckpoint(source, join(work, "x"), { weights: "onnx" as never }), InvalidInputError);
  await assert.rejects(convertCheckpoint(join(work, "nowhere"), join(work, "x")), ModelLoadError);

  const noWeights = join(work, "no-weights");
  mkdirSync(noWeights, { recursive: true });
  copyFileSync(join(source, "gliner_config.json"), join(noWeights, "gliner_config.json"));
  await assert.rejects(convertCheckpoint(noWeights, join(work, "x")), /No model\.safetensors or pytorch_model\.bin/);

  const unsupported = join(work, "marker");
  mkdirSync(unsupported, { recursive: true });
  const config = JSON.parse(readFileSync(join(source, "gliner_config.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(unsupported, "gliner_config.json"), JSON.stringify({ ...config, span_mode: "marker" }));
  await assert.rejects(convertCheckpoint(unsupported, join(work, "x")), (e: unknown) => e instanceof GlinerError && e.code === "UNSUPPORTED" && /span_mode "marker"/.test(e.message));
});

test("external data: weights in onnx/model.onnx_data give the same logits", async () => {
  const model = "token-level";
  const result = await convertCheckpoint(join(FIXTURES, "models", model), join(work, "external"), { externalData: true });
  assert.ok(result.files.includes("onnx/model.onnx_data"));
  const session = await ort.InferenceSession.create(result.modelPath);
  const c = goldenCases(model).find((x) => x.id === "batch_5")!;
  const got = await logits(session, c.inputs!);
  assert.ok(maxAbsDiff(got.data as Float32Array, flatten(c.logits!)) <= 1e-4);
});

/**
 * The GLiNER2 converter rebuilds the fixture's boundary graph from model.safetensors: same input/output names,
 * dtypes and shapes as the reference onnx/model.onnx, and on every golden batch the same outputs as that file
 * and as the torch goldens (within 1e-4, every entry, padded ones included). fp16 / q8 stay close.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { convertCheckpoint } from "../../src/convert/index.js";
import { ModelProto } from "../../src/convert/onnx-proto.js";
import { flatten, maxAbsDiff } from "./golden-run.js";
import { GLINER2_FIXTURE, goldenBatches, OUTPUTS, runBoundary } from "./gliner2-run.js";

const TOLERANCE = 1e-4;
const work = mkdtempSync(join(tmpdir(), "gliner2-convert-"));
after(() => rmSync(work, { recursive: true, force: true }));

function signature(path: string): unknown {
  const model = ModelProto.toObject(ModelProto.decode(readFileSync(path)), { arrays: true, longs: Number }) as {
    graph: { input: unknown[]; output: unknown[] };
  };
  return { inputs: model.graph.input, outputs: model.graph.output };
}

test(`GLiNER2 fixture from model.safetensors: the reference boundary's signature, outputs within ${TOLERANCE} of it and of the goldens`, async () => {
  const out = join(work, "fp32");
  const result = await convertCheckpoint(GLINER2_FIXTURE, out);
  assert.equal(result.modelPath, join(out, "onnx", "model.onnx"));
  assert.deepEqual(result.unusedTensors, []);
  for (const name of ["config.json", "encoder_config/config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"]) {
    assert.ok(result.files.includes(name), `${name} copied`);
    assert.deepEqual(readFileSync(join(out, name)), readFileSync(join(GLINER2_FIXTURE, name)));
  }
  const referencePath = join(GLINER2_FIXTURE, "onnx", "model.onnx");
  assert.deepEqual(signature(result.modelPath), signature(referencePath), "input/output names, dtypes and shapes");

  const [ours, reference] = await Promise.all([ort.InferenceSession.create(result.modelPath), ort.InferenceSession.create(referencePath)]);
  const worst = { reference: 0, golden: 0 };
  let batches = 0;
  for (const batch of goldenBatches()) {
    const [got, expected] = await Promise.all([runBoundary(ours, batch.inputs), runBoundary(reference, batch.inputs)]);
    for (const name of OUTPUTS) {
      assert.deepEqual(got[name].dims, expected[name].dims, `${batch.caseId}: ${name} shape`);
      const data = got[name].data as Float32Array;
      const dRef = maxAbsDiff(data, expected[name].data as Float32Array);
      const dGolden = maxAbsDiff(data, flatten(batch.outputs[name]));
      assert.ok(dRef <= TOLERANCE, `${batch.caseId} ${name}: max |Δ| vs reference ONNX ${dRef}`);
      assert.ok(dGolden <= TOLERANCE, `${batch.caseId} ${name}: max |Δ| vs golden ${dGolden}`);
      worst.reference = Math.max(worst.reference, dRef);
      worst.golden = Math.max(worst.golden, dGolden);
    }
    batches++;
  }
  // 23 golden cases; extract_entities_long raises before the model, the others make one batch each.
  assert.equal(batches, 22);
  console.log(`# gliner2-span: ${batches} batches, max |Δ| reference ONNX ${worst.reference.toExponential(2)}, golden ${worst.golden.toExponential(2)}`);
});

// fp16 = weight-only float16; q8 = the shared quantizer on the encoder's Linear layers (quantize.ts). The
// fixture's heads were scaled up to calibrate it (span ×10, count ×4, classifier ×6; span logits reach ±25),
// which scales the encoder's rounding errors too. Observed: fp16 0.016 / 0.019 / 0.12; q8 0.60 / 0.88 / 3.96
// (u8 activations × s8 7-bit weights; 0.35 / 0.56 / 2.9 with the earlier u8×u8 quantizer).
const DTYPE_TOLERANCE = {
  fp16: { count_logits: 0.05, cls_logits: 0.05, span_logits: 0.3 },
  q8: { count_logits: 1, cls_logits: 1.5, span_logits: 8 },
} as const;

for (const dtype of ["fp16", "q8"] as const) {
  test(`GLiNER2 fixture ${dtype}: outputs within ${JSON.stringify(DTYPE_TOLERANCE[dtype])} of the goldens (span logits: the slots both have)`, async () => {
    const result = await convertCheckpoint(GLINER2_FIXTURE, join(work, dtype), { dtype });
    assert.equal(result.modelPath, join(work, dtype, "onnx", dtype === "fp16" ? "model_fp16.onnx" : "model_quantized.onnx"));
    const session = await ort.InferenceSession.create(result.modelPath);
    const worst: Record<string, number> = {};
    for (const batch of goldenBatches()) {
      const got = await runBoundary(session, batch.inputs);
      for (const name of OUTPUTS) {
        const expected = flatten(batch.outputs[name]);
        const data = got[name].data as Float32Array;
        // A different predicted count changes the number of span slots C; compare the slots both have.
        const d = name === "span_logits" ? slotDiff(got[name], batch.outputs[name] as unknown[]) : maxAbsDiff(data, expected);
        worst[name] = Math.max(worst[name] ?? 0, d);
      }
    }
    console.log(`# gliner2-span ${dtype}: max |Δ| vs golden ${JSON.stringify(worst)}`);
    for (const name of OUTPUTS) assert.ok(worst[name]! <= DTYPE_TOLERANCE[dtype][name], `${name}: ${worst[name]}`);
  });
}

/** Max |Δ| of span_logits [B, T, C, F, L, W] over the count slots both tensors have. */
function slotDiff(got: ort.Tensor, expected: unknown[]): number {
  const [B, T, C, F, L, W] = got.dims as number[];
  const data = got.data as Float32Array;
  let worst = 0;
  for (let b = 0; b < B!; b++)
    for (let t = 0; t < T!; t++) {
      const slots = (expected[b] as unknown[][])[t]!;
      for (let c = 0; c < Math.min(C!, slots.length); c++) {
        const values = flatten(slots[c] as never);
        const base = ((b * T! + t) * C! + c) * F! * L! * W!;
        worst = Math.max(worst, maxAbsDiff(data.subarray(base, base + F! * L! * W!), values));
      }
    }
  return worst;
}

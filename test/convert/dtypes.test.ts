/**
 * fp16 (weight-only float16) and q8 (uint8 per-column dynamic quantisation of the encoder's Linear layers)
 * outputs: file names, sizes, the quantised ops, and logits close to the golden ones.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { convertCheckpoint } from "../../src/convert/index.js";
import { ModelProto } from "../../src/convert/onnx-proto.js";
import { FIXTURES, flatten, goldenCases, logits, maxAbsDiff } from "./golden-run.js";

const work = mkdtempSync(join(tmpdir(), "gliner-dtypes-"));
after(() => rmSync(work, { recursive: true, force: true }));

// Observed on the random fixture models: fp16 ≤ 1.3e-2, q8 ≤ 2e-2 (logits up to ~10 in magnitude).
const TOLERANCE = { fp16: 0.05, q8: 0.08 } as const;

function opTypes(path: string): Set<string> {
  const model = ModelProto.toObject(ModelProto.decode(readFileSync(path)), { arrays: true }) as { graph: { node: { opType: string }[] } };
  return new Set(model.graph.node.map((n) => n.opType));
}

for (const model of ["span-markerv0", "token-level"]) {
  const source = join(FIXTURES, "models", model);
  for (const dtype of ["fp16", "q8"] as const) {
    test(`${model} ${dtype}: smaller file, logits within ${TOLERANCE[dtype]} of the golden logits`, async () => {
      const out = join(work, `${model}-${dtype}`);
      const result = await convertCheckpoint(source, out, { dtype });
      assert.equal(result.modelPath, join(out, "onnx", dtype === "fp16" ? "model_fp16.onnx" : "model_quantized.onnx"));
      const size = statSync(result.modelPath).size;
      const fp32Size = statSync(join(source, "onnx", "model.onnx")).size;
      assert.ok(size < 0.6 * fp32Size, `${dtype} file ${size} B vs fp32 ${fp32Size} B`);
      const ops = opTypes(result.modelPath);
      if (dtype === "q8") {
        for (const op of ["DynamicQuantizeLinear", "MatMulInteger"]) assert.ok(ops.has(op), `q8 graph uses ${op}`);
      } else {
        assert.ok(!ops.has("MatMulInteger"));
      }

      const session = await ort.InferenceSession.create(result.modelPath);
      let worst = 0;
      for (const c of goldenCases(model)) {
        if (c.inputs === null || c.logits === null) continue; // no model call for empty texts
        const got = await logits(session, c.inputs);
        worst = Math.max(worst, maxAbsDiff(got.data as Float32Array, flatten(c.logits)));
      }
      console.log(`# ${model} ${dtype}: ${size} bytes, max |Δ| vs golden ${worst.toExponential(2)}`);
      assert.ok(worst <= TOLERANCE[dtype], `max |Δ| ${worst}`);
    });
  }
}

/**
 * The converter's fp32 ONNX, built from either weight file of the fixture models, reproduces the golden
 * logits (GLiNER HEAD, torch) and the reference ONNX export on every golden case with model inputs.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { convertCheckpoint } from "../../src/convert/index.js";
import { FIXTURES, flatten, goldenCases, logits, maxAbsDiff } from "./golden-run.js";

const TOLERANCE = 1e-4;
const work = mkdtempSync(join(tmpdir(), "gliner-convert-"));
after(() => rmSync(work, { recursive: true, force: true }));

for (const model of ["span-markerv0", "token-level"]) {
  const source = join(FIXTURES, "models", model);
  const reference = ort.InferenceSession.create(join(source, "onnx", "model.onnx"));

  for (const weights of ["safetensors", "pytorch"] as const) {
    test(`${model} from ${weights}: logits within ${TOLERANCE} of the golden logits and of the reference ONNX`, async () => {
      const out = join(work, `${model}-${weights}`);
      const result = await convertCheckpoint(source, out, { weights });
      assert.equal(result.weightsFile, weights === "safetensors" ? "model.safetensors" : "pytorch_model.bin");
      assert.equal(result.modelPath, join(out, "onnx", "model.onnx"));
      assert.deepEqual(result.unusedTensors, []);
      for (const name of ["gliner_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"]) {
        assert.ok(result.files.includes(name), `${name} copied`);
        assert.deepEqual(readFileSync(join(out, name)), readFileSync(join(source, name)));
      }

      const session = await ort.InferenceSession.create(result.modelPath);
      const ref = await reference;
      assert.deepEqual(session.inputNames, ref.inputNames);
      assert.deepEqual(session.outputNames, ["logits"]);

      let checked = 0;
      let worstGolden = 0;
      let worstRef = 0;
      for (const c of goldenCases(model)) {
        // Cases with null inputs (empty / whitespace-only texts) never reached the model: nothing to compare.
        if (c.inputs === null || c.logits === null) continue;
        const got = await logits(session, c.inputs);
        const expected = await logits(ref, c.inputs);
        assert.deepEqual(got.dims, expected.dims, `${c.id}: logits shape`);
        const dGolden = maxAbsDiff(got.data as Float32Array, flatten(c.logits));
        const dRef = maxAbsDiff(got.data as Float32Array, expected.data as Float32Array);
        assert.ok(dGolden <= TOLERANCE, `${c.id}: max |Δ| vs golden ${dGolden}`);
        assert.ok(dRef <= TOLERANCE, `${c.id}: max |Δ| vs reference ONNX ${dRef}`);
        worstGolden = Math.max(worstGolden, dGolden);
        worstRef = Math.max(worstRef, dRef);
        checked++;
      }
      assert.equal(checked, 26);
      console.log(`# ${model} ${weights}: ${checked} cases, max |Δ| golden ${worstGolden.toExponential(2)}, reference ONNX ${worstRef.toExponential(2)}`);
      assert.ok(!existsSync(`${result.modelPath}.partial`));
    });
  }
}

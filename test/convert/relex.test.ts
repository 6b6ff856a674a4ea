/**
 * The converter's relex graph (thresholds as inputs, selection inside the graph) reproduces the torch goldens of
 * both relex fixtures on every case with model inputs: logits, the spans selected for pairing (entity_spans),
 * the pairs (rel_idx, rel_mask) exactly, rel_logits within 1e-4. No working relex ONNX exists elsewhere (the
 * reference's export freezes the sizes), so the goldens are the only reference.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { convertCheckpoint } from "../../src/convert/index.js";
import { FIXTURES, feeds, flatten, maxAbsDiff } from "./golden-run.js";
import { readGolden, type RelexGoldenFile } from "../helpers/relex.js";

const work = mkdtempSync(join(tmpdir(), "gliner-relex-convert-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** relex-token's calibration amplifies float differences (the fixtures' own ONNX check sees 2.9e-4). */
const LOGITS = { "relex-span": 1e-4, "relex-token": 3e-4 } as const;
const REL_LOGITS = 1e-4;

for (const model of ["relex-span", "relex-token"] as const) {
  test(`${model}: converted relex graph reproduces the torch goldens`, async () => {
    const result = await convertCheckpoint(join(FIXTURES, "models", model), join(work, model));
    assert.deepEqual(result.unusedTensors, []);
    const session = await ort.InferenceSession.create(result.modelPath);
    assert.deepEqual(session.outputNames, ["logits", "rel_idx", "rel_logits", "rel_mask", "entity_spans"]);
    const textInputs = { inputNames: session.inputNames.filter((n) => !n.endsWith("threshold")) };
    const worst = { logits: 0, relLogits: 0 };
    let checked = 0;
    for (const c of readGolden<RelexGoldenFile>(`${model}.json`).cases) {
      if (c.inputs === null || c.outputs === null) continue;
      const threshold = c.call.threshold;
      const f = feeds(textInputs, c.inputs);
      f.threshold = new ort.Tensor("float32", Float32Array.of(threshold), [1]);
      f.adjacency_threshold = new ort.Tensor("float32", Float32Array.of(c.call.adjacency_threshold ?? threshold), [1]);
      const out = await session.run(f);
      const exact = (name: "rel_idx" | "rel_mask" | "entity_spans") => {
        assert.deepEqual([...out[name]!.dims], c.outputs![name].shape, `${c.id}: ${name} shape`);
        assert.deepEqual(Array.from(out[name]!.data as ArrayLike<number | bigint>, Number), flatten(c.outputs![name].value), `${c.id}: ${name}`);
      };
      exact("entity_spans");
      exact("rel_idx");
      exact("rel_mask");
      assert.deepEqual([...out.rel_logits!.dims], c.outputs.rel_logits.shape, `${c.id}: rel_logits shape`);
      const dLogits = maxAbsDiff(out.logits!.data as Float32Array, flatten(c.logits!));
      const dRel = maxAbsDiff(out.rel_logits!.data as Float32Array, flatten(c.outputs.rel_logits.value));
      assert.ok(dLogits <= LOGITS[model], `${c.id}: max |Δlogit| ${dLogits}`);
      assert.ok(dRel <= REL_LOGITS, `${c.id}: max |Δrel_logit| ${dRel}`);
      worst.logits = Math.max(worst.logits, dLogits);
      worst.relLogits = Math.max(worst.relLogits, dRel);
      checked++;
    }
    assert.equal(checked, 38);
    console.log(`# ${model}: ${checked} cases; entity_spans, rel_idx, rel_mask equal; max |Δ| logits ${worst.logits.toExponential(2)}, rel_logits ${worst.relLogits.toExponential(2)}`);
  });
}

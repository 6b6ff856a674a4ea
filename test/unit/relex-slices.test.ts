/**
 * Relex decoding in slices (src/decode/slices.ts): the relation decoder pauses every few thousand pair scores, so
 * the pipeline can give the event loop back; run to the end it returns exactly what the rule says. A relex call
 * takes an AbortSignal as the NER calls do.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Candidate } from "../../src/decode/candidates.js";
import { drain, inSlices, STEP } from "../../src/decode/slices.js";
import { GLiNER } from "../../src/node.js";
import { decodeRelationSteps, type RelexOutputs } from "../../src/relex/decode.js";
import { convertedRelex } from "../helpers/relex.js";

/** E single-word spans, every ordered pair (i ≠ j) head-major, C classes with logits ±1 alternating. */
function synthetic(numEntities: number, numClasses: number): { outputs: RelexOutputs; entities: Candidate[]; pairs: [number, number][] } {
  const entities = Array.from({ length: numEntities }, (_, i): Candidate => ({ start: i, end: i, label: 0, score: 0.9 }));
  const pairs: [number, number][] = [];
  for (let h = 0; h < numEntities; h++) for (let t = 0; t < numEntities; t++) if (h !== t) pairs.push([h, t]);
  const n = pairs.length;
  const outputs: RelexOutputs = {
    entitySpans: { data: Float32Array.from(entities.flatMap((e) => [e.start, e.end])), dims: [1, numEntities, 2] },
    relIdx: { data: Float32Array.from(pairs.flat()), dims: [1, n, 2] },
    relMask: { data: new Float32Array(n).fill(1), dims: [1, n] },
    relLogits: { data: Float32Array.from({ length: n * numClasses }, (_, k) => (k % 2 === 0 ? 1 : -1)), dims: [1, n, numClasses] },
  };
  return { outputs, entities, pairs };
}

test("the relation decoder reaches a pause point every few thousand scores and returns the rule's relations", async () => {
  const { outputs, entities, pairs } = synthetic(300, 3); // 89,700 pairs × 3 classes
  const steps = decodeRelationSteps(outputs, 0, entities, 3, 0.5);
  let pauses = 0;
  let next = steps.next();
  for (; next.done !== true; next = steps.next()) pauses++;
  const scores = pairs.length * 3;
  assert.ok(pauses >= Math.floor(scores / STEP) - 1, `${pauses} pauses for ${scores} scores`);
  // By hand: score k = pair·3 + class has logit +1 (sigmoid 0.731 > 0.5) when k is even, −1 (0.269) otherwise.
  const expected = pairs.flatMap(([head, tail], j) => [0, 1, 2].filter((c) => (j * 3 + c) % 2 === 0).map((relation) => ({ head, tail, relation })));
  assert.deepEqual(next.value.map(({ head, tail, relation }) => ({ head, tail, relation })), expected);
  // In slices (as the pipeline runs it) the result is the same.
  assert.deepEqual(await inSlices(decodeRelationSteps(outputs, 0, entities, 3, 0.5), undefined, 0), next.value);
  assert.deepEqual(drain(decodeRelationSteps(outputs, 0, entities, 3, 0.5)), next.value);
});

test("predictRelations and the relations task stop on an aborted signal", async () => {
  const converted = await convertedRelex("relex-span");
  const model = await GLiNER.fromPretrained(converted.dir);
  try {
    const text = "Bill Gates and Paul Allen founded Microsoft in 1975.";
    const signal = AbortSignal.abort(new Error("deadline"));
    await assert.rejects(model.predictRelations(text, ["person"], ["founder of"], { signal }), /deadline/);
    await assert.rejects(model.run("relations", [{ text }], { relations: ["founder of"], signal }), /deadline/);
    const live = await model.predictRelations(text, ["person"], ["founder of"], { signal: new AbortController().signal });
    assert.deepEqual(live, await model.predictRelations(text, ["person"], ["founder of"]));
  } finally {
    await model.dispose();
    await converted.remove();
  }
});

/**
 * Entity comparison against the reference, with the one tolerance the fixtures justify: random weights make
 * several labels of one span score within ~1e-6 of each other, so torch and onnxruntime can pick different
 * labels (or order equal-scored spans differently). Such a flip is accepted only when it is PROVEN to be a
 * near-tie: the reference's choice must be among our own candidates for the same span with a score within
 * NEAR_TIE of ours. Everything else must match exactly (scores within 1e-5).
 */
import assert from "node:assert/strict";
import type { Entity } from "../../src/types.js";
import type { GoldenEntity } from "./fixtures.js";
import { utf16Offset } from "./fixtures.js";

export const SCORE_TOLERANCE = 1e-5;
export const NEAR_TIE = 2e-6;

export function toUtf16(text: string, entities: readonly GoldenEntity[]): Entity[] {
  return entities.map((e) => ({ ...e, start: utf16Offset(text, e.start), end: utf16Offset(text, e.end) }));
}

const sameSpan = (a: Entity, b: Entity) => a.start === b.start && a.end === b.end;

/** Score tolerance and near-tie width; models whose logits differ more from torch (relex-token) pass wider ones. */
export interface Tolerances {
  score: number;
  nearTie: number;
}

/**
 * Asserts `actual` equals `expected`, allowing only proven near-ties. `alternatives` are our multi-label
 * candidates for the same text (every label of every span above threshold).
 * Returns the number of near-tie flips it accepted.
 */
export function assertEntitiesMatch(
  actual: readonly Entity[],
  expected: readonly Entity[],
  alternatives: readonly Entity[],
  context: string,
  tolerances: Tolerances = { score: SCORE_TOLERANCE, nearTie: NEAR_TIE },
): number {
  const same = (a: Entity, b: Entity) =>
    sameSpan(a, b) && a.label === b.label && a.text === b.text && Math.abs(a.score - b.score) <= tolerances.score;
  if (actual.length === expected.length && actual.every((a, i) => same(a, expected[i] as Entity))) return 0;
  assert.equal(actual.length, expected.length, `${context}: ${actual.length} entities, reference has ${expected.length}`);
  let flips = 0;
  actual.forEach((ours, i) => {
    const theirs = expected[i] as Entity;
    if (same(ours, theirs)) return;
    assert.ok(sameSpan(ours, theirs), `${context}[${i}]: span ${ours.start}-${ours.end} vs reference ${theirs.start}-${theirs.end}`);
    assert.ok(
      Math.abs(ours.score - theirs.score) <= tolerances.nearTie,
      `${context}[${i}]: label ${ours.label} (${ours.score}) vs reference ${theirs.label} (${theirs.score}) is not a near-tie`,
    );
    const theirsInOurs = alternatives.find((alt) => sameSpan(alt, theirs) && alt.label === theirs.label);
    assert.ok(theirsInOurs, `${context}[${i}]: the reference's label ${theirs.label} is not among our candidates for that span`);
    assert.ok(
      Math.abs(theirsInOurs.score - ours.score) <= tolerances.nearTie,
      `${context}[${i}]: in our logits ${theirs.label} scores ${theirsInOurs.score} vs our ${ours.label} ${ours.score}: not a near-tie`,
    );
    flips++;
  });
  return flips;
}

/**
 * Same spans, labels and order; scores within 1e-5. For results of the same model under different batching:
 * padding changes ONNX Runtime's summation order, which moves scores by ~1e-7.
 */
export function assertSameEntities(actual: readonly (readonly Entity[])[], expected: readonly (readonly Entity[])[], context = ""): void {
  const strip = (lists: readonly (readonly Entity[])[]) =>
    lists.map((list) => list.map(({ start, end, text, label }) => ({ start, end, text, label })));
  assert.deepEqual(strip(actual), strip(expected), `${context}: spans and labels`);
  actual.forEach((list, i) =>
    list.forEach((e, j) => {
      const other = (expected[i] as readonly Entity[])[j] as Entity;
      assert.ok(Math.abs(e.score - other.score) <= SCORE_TOLERANCE, `${context}: score ${e.score} vs ${other.score}`);
    }),
  );
}

/**
 * Relex outputs of one text → relations over its decoded entities, as the reference's relex decoders:
 * pairs in order (head-major), then relation classes in order; `sigmoid(rel_logit) > relationThreshold`
 * (the float32 probability against the threshold as given, as Python compares them); a pair's model indices go
 * through `entity_spans` to the FIRST decoded entity with the same boundaries, and pairs whose spans the greedy
 * step dropped are skipped; relation classes beyond the text's relation labels (batch padding) are skipped.
 */
import { type Candidate, sigmoid32 } from "../decode/candidates.js";
import { STEP, type Steps } from "../decode/slices.js";
import type { FloatTensor } from "../runtime/runtime.js";

export interface RelexOutputs {
  readonly relIdx: FloatTensor; // [B, N, 2], -1 = padding
  readonly relLogits: FloatTensor; // [B, N, C_rel]
  readonly relMask: FloatTensor; // [B, N]
  readonly entitySpans: FloatTensor; // [B, E, 2]
}

/** A relation over decoded entities: indices into the decoded (start-sorted) entity list. */
export interface DecodedRelation {
  readonly head: number;
  readonly tail: number;
  readonly relation: number;
  readonly score: number;
}

/** With pause points (src/decode/slices.ts): a pass can hold millions of pair scores; drain() runs it at once. */
export function* decodeRelationSteps(
  out: RelexOutputs,
  batchIndex: number,
  entities: readonly Candidate[],
  numRelations: number,
  relationThreshold: number,
): Steps<DecodedRelation[]> {
  const firstByBounds = new Map<string, number>();
  entities.forEach((e, i) => {
    const key = `${e.start}:${e.end}`;
    if (!firstByBounds.has(key)) firstByBounds.set(key, i);
  });
  const [, numEntities = 0] = out.entitySpans.dims;
  const spans = out.entitySpans.data;
  const decodedOf = (model: number): number | undefined => {
    if (model < 0 || model >= numEntities) return undefined;
    const at = (batchIndex * numEntities + model) * 2;
    return firstByBounds.get(`${spans[at]}:${spans[at + 1]}`);
  };
  const [, numPairs = 0, numClasses = 0] = out.relLogits.dims;
  const relations: DecodedRelation[] = [];
  const pairsPerStep = Math.max(1, Math.floor(STEP / Math.max(1, Math.min(numClasses, numRelations))));
  for (let j = 0; j < numPairs; j++) {
    if (j % pairsPerStep === pairsPerStep - 1) yield;
    const pair = batchIndex * numPairs + j;
    if (out.relMask.data[pair] !== 1) continue;
    const head = decodedOf(out.relIdx.data[pair * 2] as number);
    const tail = decodedOf(out.relIdx.data[pair * 2 + 1] as number);
    if (head === undefined || tail === undefined) continue;
    for (let c = 0; c < numClasses && c < numRelations; c++) {
      const score = sigmoid32(out.relLogits.data[pair * numClasses + c] as number);
      if (score > relationThreshold) relations.push({ head, tail, relation: c, score });
    }
  }
  return relations;
}

/** The documented `uniqueRelations` option: no self-relations, one copy of each (head, relation, tail), best score. */
export function uniqueRelations(relations: readonly DecodedRelation[]): DecodedRelation[] {
  const kept = new Map<string, DecodedRelation>();
  for (const r of relations) {
    if (r.head === r.tail) continue;
    const key = `${r.head}:${r.relation}:${r.tail}`;
    const seen = kept.get(key);
    if (seen === undefined || r.score > seen.score) kept.set(key, r);
  }
  return [...kept.values()];
}

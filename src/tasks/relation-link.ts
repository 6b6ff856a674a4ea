/**
 * The pure parts of relation extraction: checking relation specs, building the `"<source> <> <relation>"`
 * labels from source mentions, and linking predicted target spans to
 * extracted entities (pair filter, distance, deduplication). No model here, so all of it is unit-tested.
 */
import { InvalidInputError } from "../errors.js";
import type { Entity } from "../types.js";
import { describe } from "../validate.js";
import { RELATION_LABEL_SEPARATOR } from "./prompts.js";
import type { Relation, RelationSpec } from "./types.js";

export interface CheckedRelation {
  readonly relation: string;
  /** Allowed [sourceType, targetType] pairs; undefined = any. */
  readonly pairs: readonly (readonly [string, string])[] | undefined;
  readonly distance: number | undefined;
}

/** Relation specs → checked form. `knownTypes`, when given, are the only entity types pairsFilter may name. */
export function checkRelations(relations: unknown, knownTypes: readonly string[] | undefined): CheckedRelation[] {
  if (!Array.isArray(relations) || relations.length === 0) {
    throw new InvalidInputError("relations", `relations must be a non-empty array, e.g. ["founder", { relation: "CEO of" }]; got ${describe(relations)}.`);
  }
  const seen = new Set<string>();
  return relations.map((raw: unknown, i) => {
    const where = `relations[${i}]`;
    const spec = (typeof raw === "string" ? { relation: raw } : raw) as RelationSpec;
    if (typeof spec !== "object" || spec === null || typeof spec.relation !== "string" || spec.relation.trim() === "") {
      throw new InvalidInputError("relations", `${where} must be a relation name or { relation, pairsFilter?, distanceThreshold? }; got ${describe(raw)}.`);
    }
    if (seen.has(spec.relation)) {
      throw new InvalidInputError("relations", `${where}: relation "${spec.relation}" is listed twice; merge the pairsFilter lists into one entry.`);
    }
    seen.add(spec.relation);
    return { relation: spec.relation, pairs: checkPairs(spec.pairsFilter, `${where}.pairsFilter`, knownTypes), distance: checkDistance(spec.distanceThreshold, `${where}.distanceThreshold`) };
  });
}

function checkPairs(pairs: unknown, where: string, knownTypes: readonly string[] | undefined): CheckedRelation["pairs"] {
  if (pairs === undefined) return undefined;
  if (!Array.isArray(pairs) || pairs.length === 0) {
    throw new InvalidInputError("relations", `${where} must be a non-empty array of [sourceType, targetType] pairs (omit it to allow any pair); got ${describe(pairs)}.`);
  }
  return pairs.map((pair: unknown, j) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((t) => typeof t === "string" && t !== "")) {
      throw new InvalidInputError("relations", `${where}[${j}] must be a [sourceType, targetType] pair of entity labels; got ${describe(pair)}.`);
    }
    for (const type of pair as string[]) {
      if (knownTypes !== undefined && !knownTypes.includes(type)) {
        throw new InvalidInputError(
          "relations",
          `${where}[${j}] names the entity type "${type}", which is not among the entity labels (${knownTypes.map((t) => `"${t}"`).join(", ")}); add it to entityLabels or fix the pair.`,
        );
      }
    }
    return [pair[0], pair[1]] as const;
  });
}

function checkDistance(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError("relations", `${where} must be a number of characters ≥ 0 (omit it for no limit); got ${describe(value)}.`);
  }
  return value;
}

/** One model label and the mentions it stands for. */
export interface RelationLabel {
  readonly label: string;
  readonly relation: CheckedRelation;
  /** Every eligible mention whose text is the label's source (two mentions of "Gates" share one label). */
  readonly sources: Entity[];
}

/** Labels relation by relation, sources in text order; a mention is eligible when pairsFilter allows its type as a source. */
export function relationLabels(entities: readonly Entity[], relations: readonly CheckedRelation[]): RelationLabel[] {
  const inOrder = [...entities].sort((a, b) => a.start - b.start || a.end - b.end);
  const labels = new Map<string, RelationLabel>();
  for (const relation of relations) {
    const sourceTypes = relation.pairs === undefined ? undefined : new Set(relation.pairs.map(([source]) => source));
    for (const entity of inOrder) {
      if (sourceTypes !== undefined && !sourceTypes.has(entity.label)) continue;
      const label = `${entity.text}${RELATION_LABEL_SEPARATOR}${relation.relation}`;
      const existing = labels.get(label);
      if (existing === undefined) labels.set(label, { label, relation, sources: [entity] });
      else if (!existing.sources.some((s) => sameMention(s, entity))) existing.sources.push(entity);
    }
  }
  return [...labels.values()];
}

/** Characters between two mentions (0 when they touch or overlap), the seed card's distance. */
export function gap(a: Pick<Entity, "start" | "end">, b: Pick<Entity, "start" | "end">): number {
  return Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
}

const sameSpan = (a: Entity, b: Entity) => a.start === b.start && a.end === b.end;
const sameMention = (a: Entity, b: Entity) => sameSpan(a, b) && a.label === b.label;

/**
 * Predicted target spans (label = a relation label) → relations. The target of a span is the tightest
 * extracted entity containing it that pairsFilter allows for the source; a span in no such entity, or
 * farther than distanceThreshold from the source, gives no relation; a span is never its own target.
 * Identical (source, relation, target) triples keep the best score. Order: source, relation, target in text order.
 */
export function linkRelations(spans: readonly Entity[], labels: readonly RelationLabel[], entities: readonly Entity[]): Relation[] {
  const byLabel = new Map(labels.map((l) => [l.label, l]));
  const relationOrder = new Map<string, number>();
  for (const l of labels) if (!relationOrder.has(l.relation.relation)) relationOrder.set(l.relation.relation, relationOrder.size);
  const best = new Map<string, Relation>();
  for (const span of spans) {
    const info = byLabel.get(span.label);
    if (info === undefined) continue;
    const containing = entities.filter((e) => e.start <= span.start && span.end <= e.end);
    for (const source of info.sources) {
      const target = tightest(containing.filter((e) => !sameSpan(e, source) && pairAllowed(info.relation, source, e)));
      if (target === undefined) continue;
      if (info.relation.distance !== undefined && gap(source, target) > info.relation.distance) continue;
      const key = [source.start, source.end, source.label, info.relation.relation, target.start, target.end, target.label].join("\u0000");
      const kept = best.get(key);
      if (kept === undefined || span.score > kept.score) best.set(key, { source, relation: info.relation.relation, target, score: span.score });
    }
  }
  return [...best.values()].sort(
    (a, b) =>
      a.source.start - b.source.start ||
      a.source.end - b.source.end ||
      (relationOrder.get(a.relation) ?? 0) - (relationOrder.get(b.relation) ?? 0) ||
      a.target.start - b.target.start ||
      a.target.end - b.target.end,
  );
}

function pairAllowed(relation: CheckedRelation, source: Entity, target: Entity): boolean {
  return relation.pairs === undefined || relation.pairs.some(([s, t]) => s === source.label && t === target.label);
}

function tightest(entities: readonly Entity[]): Entity | undefined {
  let best: Entity | undefined;
  for (const e of entities) if (best === undefined || e.end - e.start < best.end - best.start) best = e;
  return best;
}

/** The reference's reading of a label: `label.split("<>")` into exactly two stripped parts. */
export function parseRelationLabel(label: string): { source: string; relation: string } | undefined {
  const parts = label.split("<>");
  if (parts.length !== 2) return undefined;
  return { source: (parts[0] as string).trim(), relation: (parts[1] as string).trim() };
}

/** The relex goldens (golden/relex-*.json, see test/fixtures/PROVENANCE.md): schema and loaders. */
import { join } from "node:path";
import { FIXTURES, type GoldenCase, type GoldenEntity } from "./fixtures.js";

export { readGolden } from "./fixtures.js";

export type RelexFixture = "relex-span" | "relex-token";

export function relexDir(model: RelexFixture): string {
  return join(FIXTURES, "models", model);
}

type Nested = number | boolean | Nested[];

export interface GoldenRelationEnd {
  start: number;
  end: number;
  text: string;
  type: string;
  entity_idx: number;
}

export interface GoldenRelation {
  head: GoldenRelationEnd;
  tail: GoldenRelationEnd;
  relation: string;
  score: number;
}

export interface RelexGoldenCase extends Omit<GoldenCase, "call" | "inputs" | "logits"> {
  call: GoldenCase["call"] & {
    labels: string[] | string[][];
    relations: string[] | string[][];
    adjacency_threshold: number | null;
    relation_threshold: number | null;
  };
  inputs: Record<string, Nested> | null;
  logits: Nested | null;
  relations: GoldenRelation[][] | null;
  entities: GoldenEntity[][] | null;
  outputs: Record<"rel_idx" | "rel_logits" | "rel_mask" | "entity_spans", { shape: number[]; value: Nested }> | null;
}

export interface RelexGoldenFile {
  cases: RelexGoldenCase[];
}

/** Converts a relex fixture (model.safetensors) into a fresh temporary model folder; returns it and a cleanup. */
export async function convertedRelex(model: RelexFixture): Promise<{ dir: string; remove: () => Promise<void> }> {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { convertCheckpoint } = await import("../../src/convert/index.js");
  const dir = await mkdtemp(join(tmpdir(), `gliner-${model}-`));
  await convertCheckpoint(relexDir(model), dir);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

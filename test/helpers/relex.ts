/** The relex goldens (golden/relex-*.json, see test/fixtures/PROVENANCE.md): schema and loaders. */
import { join } from "node:path";
import { after, before } from "node:test";
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

/**
 * Inside a `describe`: converts `model` before its tests and loads it (extra load options allowed), disposes and
 * removes it after them. Returns a getter for the loaded model.
 */
export function useConvertedRelex(model: RelexFixture): () => import("../../src/node.js").GLiNER {
  let converted: Awaited<ReturnType<typeof convertedRelex>> | undefined;
  let loaded: import("../../src/node.js").GLiNER | undefined;
  before(async () => {
    const { GLiNER } = await import("../../src/node.js");
    converted = await convertedRelex(model);
    loaded = await GLiNER.fromPretrained(converted.dir);
  });
  after(async () => {
    await loaded?.dispose();
    await converted?.remove();
  });
  return () => {
    if (loaded === undefined) throw new Error(`${model} is not loaded yet (use the getter inside a test)`);
    return loaded;
  };
}

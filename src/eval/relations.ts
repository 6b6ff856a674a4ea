/**
 * Relation extraction evaluation on word-level JSONL (`{"tokens", "entities": [{start, end, label}],
 * "relations": [{head, tail, label}]}`, `end` inclusive, head/tail index `entities`) with `labels.json`
 * `{"entity_labels", "relation_labels"}`, e.g. shared/data/re/conll04.
 *
 * Convention: **strict** micro P/R/F1 over distinct triples per sentence. A predicted triple is correct when
 * its relation label, its head (source) mention's boundaries and entity type, and its tail (target) mention's
 * boundaries and entity type all equal a gold triple's (the "strict" setting of SpERT and Taillé et al. 2020;
 * direction matters). **Boundaries** drops the two entity types (relation label and both spans must match).
 * The sentence given to the model is its tokens joined by single spaces; spans are compared as character
 * ranges in that text, so a predicted mention that does not cover whole words simply matches nothing.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "../errors.js";
import { type Counts, countMatches, type Scores, scoresFromCounts } from "./metrics.js";

export interface Mention {
  /** UTF-16 offsets into the sentence text (tokens joined by " "), `end` exclusive. */
  readonly start: number;
  readonly end: number;
  /** Entity type. */
  readonly label: string;
}

export interface Triple {
  readonly head: Mention;
  readonly relation: string;
  readonly tail: Mention;
}

export interface RelationSentence {
  readonly text: string;
  readonly triples: readonly Triple[];
}

export interface RelationDataset {
  readonly name: string;
  readonly entityLabels: readonly string[];
  readonly relationLabels: readonly string[];
  readonly sentences: readonly RelationSentence[];
}

export interface RelationScores {
  readonly strict: Scores & Counts;
  readonly boundaries: Scores & Counts;
}

export async function readRelationDataset(folder: string, limit?: number): Promise<RelationDataset> {
  const labelsPath = join(folder, "labels.json");
  const dataPath = join(folder, "test.jsonl");
  const labels = parseJson(await readText(labelsPath, 'labels.json with {"entity_labels": [...], "relation_labels": [...]}'), labelsPath) as Record<string, unknown>;
  const entityLabels = stringList(labels["entity_labels"], `${labelsPath}: "entity_labels"`);
  const relationLabels = stringList(labels["relation_labels"], `${labelsPath}: "relation_labels"`);
  const sentences: RelationSentence[] = [];
  const lines = (await readText(dataPath, "test.jsonl (one sentence per line)")).split(/\r?\n/);
  for (let i = 0; i < lines.length && (limit === undefined || sentences.length < limit); i++) {
    if ((lines[i] as string).trim() === "") continue;
    sentences.push(parseRelationSentence(parseJson(lines[i] as string, `${dataPath} line ${i + 1}`), `${dataPath} line ${i + 1}`));
  }
  return { name: folder.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? folder, entityLabels, relationLabels, sentences };
}

export function parseRelationSentence(value: unknown, where: string): RelationSentence {
  const r = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const tokens = r["tokens"];
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === "string" && t.trim() !== "")) {
    throw new InvalidInputError("data", `${where}: "tokens" must be an array of non-empty word strings.`);
  }
  const starts: number[] = [];
  let offset = 0;
  for (const token of tokens as string[]) {
    starts.push(offset);
    offset += token.length + 1;
  }
  const entities = (Array.isArray(r["entities"]) ? r["entities"] : []).map((e: unknown, k): Mention => {
    const { start, end, label } = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
    if (!Number.isInteger(start) || !Number.isInteger(end) || typeof label !== "string" || (start as number) < 0 || (end as number) < (start as number) || (end as number) >= tokens.length) {
      throw new InvalidInputError("data", `${where}, entity ${k} must be {"start", "end" (inclusive word indices within the ${tokens.length} tokens), "label"}.`);
    }
    const last = tokens[end as number] as string;
    return { start: starts[start as number] as number, end: (starts[end as number] as number) + last.length, label: label.toLowerCase() };
  });
  const relations = Array.isArray(r["relations"]) ? r["relations"] : [];
  const triples = relations.map((rel: unknown, k): Triple => {
    const { head, tail, label } = (typeof rel === "object" && rel !== null ? rel : {}) as Record<string, unknown>;
    const h = Number.isInteger(head) ? entities[head as number] : undefined;
    const t = Number.isInteger(tail) ? entities[tail as number] : undefined;
    if (h === undefined || t === undefined || typeof label !== "string") {
      throw new InvalidInputError("data", `${where}, relation ${k} must be {"head", "tail" (indices into the ${entities.length} entities), "label"}.`);
    }
    return { head: h, relation: label.toLowerCase(), tail: t };
  });
  return { text: (tokens as string[]).join(" "), triples };
}

/** Strict and boundaries-only micro P/R/F1; `gold[i]` and `predicted[i]` are sentence i's triples. */
export function scoreRelations(gold: readonly (readonly Triple[])[], predicted: readonly (readonly Triple[])[]): RelationScores {
  if (gold.length !== predicted.length) {
    throw new RangeError(`scoreRelations: ${gold.length} gold sentences but ${predicted.length} predicted ones`);
  }
  const keys = (all: readonly (readonly Triple[])[], typed: boolean) =>
    all.flatMap((triples, i) =>
      triples.map((t) =>
        JSON.stringify([i, t.head.start, t.head.end, typed ? t.head.label : "", t.relation, t.tail.start, t.tail.end, typed ? t.tail.label : ""]),
      ),
    );
  const score = (typed: boolean) => {
    const counts = countMatches(keys(gold, typed), keys(predicted, typed));
    return { ...counts, ...scoresFromCounts(counts) };
  };
  return { strict: score(true), boundaries: score(false) };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    throw new InvalidInputError("data", `cannot read ${path}; a relation dataset folder needs ${what}.`, { cause });
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError("data", `${where} is not valid JSON.`);
  }
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && v.trim() !== "")) {
    throw new InvalidInputError("data", `${where} must be a non-empty array of strings.`);
  }
  return (value as string[]).map((v) => v.toLowerCase());
}

/** What the evaluation reads from a relation pipeline result (`model.batchExtractRelations` returns this shape). */
export interface PredictedRelation {
  readonly source: Mention;
  readonly relation: string;
  readonly target: Mention;
}

/** Extracts relations for a batch of sentence texts with the dataset's entity and relation labels. */
export type RelationExtractor = (texts: readonly string[], dataset: RelationDataset) => Promise<readonly (readonly PredictedRelation[])[]>;

export interface RelationResults extends RelationScores {
  readonly name: string;
  readonly sentences: number;
}

/** Runs the extractor over the dataset, `chunk` sentences per call, and scores the triples. */
export async function evaluateRelations(
  dataset: RelationDataset,
  extract: RelationExtractor,
  options: { chunk?: number; onProgress?: (done: number) => void } = {},
): Promise<RelationResults> {
  const chunk = options.chunk ?? 32;
  const predicted: Triple[][] = [];
  for (let first = 0; first < dataset.sentences.length; first += chunk) {
    const texts = dataset.sentences.slice(first, first + chunk).map((s) => s.text);
    const results = await extract(texts, dataset);
    if (results.length !== texts.length) throw new RangeError(`the extractor returned ${results.length} results for ${texts.length} texts`);
    for (const relations of results) {
      predicted.push(
        relations.map((r) => ({
          head: { start: r.source.start, end: r.source.end, label: r.source.label.toLowerCase() },
          relation: r.relation.toLowerCase(),
          tail: { start: r.target.start, end: r.target.end, label: r.target.label.toLowerCase() },
        })),
      );
    }
    options.onProgress?.(predicted.length);
  }
  const scores = scoreRelations(dataset.sentences.map((s) => s.triples), predicted);
  return { name: dataset.name, sentences: dataset.sentences.length, ...scores };
}

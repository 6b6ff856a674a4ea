/**
 * NER evaluation data: a folder per dataset with `test.jsonl` (one sentence per line:
 * `{"tokens": [...], "entities": [{"start", "end", "label"}]}`, word indices, `end` inclusive) and
 * `labels.json` (the label list prompted for every sentence). Labels are lowercased on both sides, as
 * GLiNER's `create_dataset` does. A folder with GLiNER's raw `test.json` instead (InstructUIE layout) is read
 * as the reference reads it (instructuie.ts).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { InvalidInputError } from "../errors.js";
import { parseInstructUie } from "./instructuie.js";

export interface GoldSpan {
  readonly start: number;
  /** Inclusive word index. */
  readonly end: number;
  readonly label: string;
}

export interface NerSentence {
  readonly tokens: readonly string[];
  readonly entities: readonly GoldSpan[];
}

export interface NerDataset {
  readonly name: string;
  /** Lowercased, in file order, duplicates removed. */
  readonly labels: readonly string[];
  readonly sentences: readonly NerSentence[];
}

export const NER_SPLIT_FILE = "test.jsonl";
/** GLiNER's own benchmark layout (InstructUIE), read when there is no test.jsonl. */
export const RAW_SPLIT_FILE = "test.json";
export const NER_LABELS_FILE = "labels.json";

/**
 * The dataset folders under `folder`: the folder itself when it holds `test.jsonl`, otherwise every
 * sub-folder that does, sorted by name (the reference's `get_for_all_path` sorts by path).
 */
export async function findNerDatasets(folder: string): Promise<string[]> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InvalidInputError("data", `${folder} is not a folder; give a dataset folder (with ${NER_SPLIT_FILE} and ${NER_LABELS_FILE}) or a folder of them.`);
  }
  if ((await splitFile(folder)) !== undefined) return [folder];
  const entries = await readdir(folder, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodePoint)) {
    if ((await splitFile(join(folder, entry))) !== undefined) found.push(join(folder, entry));
  }
  if (found.length === 0) {
    throw new InvalidInputError("data", `${folder} holds no ${NER_SPLIT_FILE} (or ${RAW_SPLIT_FILE}), and none of its sub-folders does.`);
  }
  return found;
}

/** Reads one dataset folder; `limit` keeps the first sentences only. */
export async function readNerDataset(folder: string, limit?: number): Promise<NerDataset> {
  const labelsPath = join(folder, NER_LABELS_FILE);
  if (!(await isFile(labelsPath))) {
    throw new InvalidInputError("data", `${folder} has no ${NER_LABELS_FILE}: a JSON array of the labels to prompt, e.g. ["person", "location"].`);
  }
  const labels = parseLabels(await readFile(labelsPath, "utf8"), labelsPath);
  const split = await splitFile(folder);
  if (split === undefined) throw new InvalidInputError("data", `${folder} has neither ${NER_SPLIT_FILE} nor ${RAW_SPLIT_FILE}.`);
  const content = await readFile(split, "utf8");
  const sentences = split.endsWith(NER_SPLIT_FILE) ? parseNerJsonl(content, split, limit) : parseInstructUie(content, split, limit);
  return { name: basename(folder), labels, sentences };
}

async function splitFile(folder: string): Promise<string | undefined> {
  for (const name of [NER_SPLIT_FILE, RAW_SPLIT_FILE]) if (await isFile(join(folder, name))) return join(folder, name);
  return undefined;
}

export function parseLabels(content: string, path: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw new InvalidInputError("data", `${path} is not valid JSON.`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((l) => typeof l === "string" && l.trim() !== "")) {
    throw new InvalidInputError("data", `${path} must be a non-empty JSON array of label strings, e.g. ["person", "location"].`);
  }
  return [...new Set((value as string[]).map((l) => l.toLowerCase()))];
}

export function parseNerJsonl(content: string, path: string, limit?: number): NerSentence[] {
  const sentences: NerSentence[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (limit !== undefined && sentences.length >= limit) break;
    const raw = lines[i] as string;
    if (raw.trim() === "") continue;
    sentences.push(parseSentence(raw, `${path} line ${i + 1}`));
  }
  return sentences;
}

function parseSentence(raw: string, where: string): NerSentence {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidInputError("data", `${where} is not valid JSON.`);
  }
  const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const tokens = record["tokens"];
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === "string" && t.trim() !== "")) {
    throw new InvalidInputError("data", `${where}: "tokens" must be an array of non-empty word strings.`);
  }
  const entities = record["entities"] ?? [];
  if (!Array.isArray(entities)) throw new InvalidInputError("data", `${where}: "entities" must be an array.`);
  return { tokens: tokens as string[], entities: entities.map((e, k) => parseGold(e, tokens.length, `${where}, entity ${k}`)) };
}

function parseGold(value: unknown, words: number, where: string): GoldSpan {
  const e = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const { start, end, label } = e;
  if (!Number.isInteger(start) || !Number.isInteger(end) || typeof label !== "string") {
    throw new InvalidInputError("data", `${where} must be {"start": word, "end": word (inclusive), "label": string}.`);
  }
  const s = start as number;
  const en = end as number;
  if (s < 0 || en < s || en >= words) {
    throw new InvalidInputError("data", `${where} spans words ${s}..${en} (inclusive) but the sentence has ${words} words.`);
  }
  return { start: s, end: en, label: label.toLowerCase() };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}

/** Ordinal order like Python's `sorted` on names, never the locale's. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

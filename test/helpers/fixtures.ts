/** Paths and loaders for the committed reference fixtures (see test/fixtures/PROVENANCE.md). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
export const SPAN_MODEL = join(FIXTURES, "models", "span-markerv0");
export const TOKEN_MODEL = join(FIXTURES, "models", "token-level");

export type FixtureModel = "span-markerv0" | "token-level";

export function modelDir(model: FixtureModel): string {
  return join(FIXTURES, "models", model);
}

export function readGolden<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, "golden", relative), "utf8")) as T;
}

export interface GoldenEntity {
  start: number;
  end: number;
  text: string;
  label: string;
  score: number;
}

export interface GoldenCase {
  id: string;
  description: string;
  method: string;
  call: { texts: string[]; labels: string[]; threshold: number; flat_ner: boolean; multi_label: boolean };
  words: [string, number, number][][];
  model_text_indices?: number[];
  tokens: string[][];
  inputs: Record<string, unknown[]> | null;
  logits: unknown;
  logits_shape: number[];
  entities: GoldenEntity[][] | null;
  error: string | null;
}

export interface GoldenFile {
  cases: GoldenCase[];
}

/** Code point offset (Python) → UTF-16 offset (JavaScript). */
export function utf16Offset(text: string, codePoints: number): number {
  return [...text].slice(0, codePoints).join("").length;
}

/** Flattens nested number arrays. */
export function flat(value: unknown): number[] {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(typeof v === "boolean" ? (v ? 1 : 0) : (v as number));
  };
  walk(value);
  return out;
}

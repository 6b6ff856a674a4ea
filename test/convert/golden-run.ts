/** Runs an ONNX model on the golden cases' exact inputs (shared by the converter tests). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures");

type Nested = number | boolean | Nested[];

export interface GoldenCase {
  id: string;
  inputs: Record<string, Nested> | null;
  logits: Nested | null;
}

export function goldenCases(model: string): GoldenCase[] {
  const file = JSON.parse(readFileSync(join(FIXTURES, "golden", `${model}.json`), "utf8")) as { cases: GoldenCase[] };
  return file.cases;
}

export function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [Number(x)];
}

function dims(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...dims(x[0]!)] : [];
}

export function feeds(session: Pick<ort.InferenceSession, "inputNames">, inputs: Record<string, Nested>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const value = inputs[name];
    if (value === undefined) throw new Error(`golden case lacks input ${name}`);
    const flat = flatten(value);
    out[name] =
      name === "span_mask"
        ? new ort.Tensor("bool", Uint8Array.from(flat), dims(value))
        : new ort.Tensor("int64", BigInt64Array.from(flat.map((v) => BigInt(v))), dims(value));
  }
  return out;
}

export async function logits(session: ort.InferenceSession, inputs: Record<string, Nested>): Promise<ort.Tensor> {
  const result = await session.run(feeds(session, inputs));
  const out = result.logits;
  if (!out) throw new Error("no logits output");
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

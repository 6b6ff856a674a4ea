/** Runs a GLiNER2 boundary ONNX on the golden batches' exact inputs (shared by the GLiNER2 converter tests). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { FIXTURES, flatten } from "./golden-run.js";

type Nested = number | boolean | Nested[];

export const GLINER2_FIXTURE = join(FIXTURES, "models", "gliner2-span");
export const OUTPUTS = ["count_logits", "cls_logits", "span_logits"] as const;
export type Output = (typeof OUTPUTS)[number];

export interface GoldenBatch {
  caseId: string;
  inputs: Record<string, Nested>;
  outputs: Record<Output, Nested>;
}

export function goldenBatches(): GoldenBatch[] {
  const golden = JSON.parse(readFileSync(join(FIXTURES, "golden", "gliner2-span.json"), "utf8")) as {
    cases: { id: string; batches: { inputs: Record<string, Nested>; outputs: Record<Output, Nested> }[] }[];
  };
  return golden.cases.flatMap((c) => c.batches.map((b) => ({ caseId: c.id, inputs: b.inputs, outputs: b.outputs })));
}

function dims(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...dims(x[0]!)] : [];
}

/** int64 tensors, except word_mask / schema_mask (bool). */
export function gliner2Feeds(inputs: Record<string, Nested>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, value] of Object.entries(inputs)) {
    const flat = flatten(value);
    out[name] =
      name === "word_mask" || name === "schema_mask"
        ? new ort.Tensor("bool", Uint8Array.from(flat), dims(value))
        : new ort.Tensor("int64", BigInt64Array.from(flat.map((v) => BigInt(v))), dims(value));
  }
  return out;
}

export async function runBoundary(session: ort.InferenceSession, inputs: Record<string, Nested>): Promise<Record<Output, ort.Tensor>> {
  const result = await session.run(gliner2Feeds(inputs));
  for (const name of OUTPUTS) if (!result[name]) throw new Error(`no ${name} output`);
  return result as Record<Output, ort.Tensor>;
}

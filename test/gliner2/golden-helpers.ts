/** The GLiNER2 golden file (test/fixtures/golden/gliner2-span.json) and its calls replayed through our API. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GLiNER2 } from "../../src/node.js";
import type { LoadedGliner2 } from "../../src/gliner2/load.js";
import { Schema } from "../../src/gliner2/schema.js";
import type { ClassificationTasks, ExtractResult, FieldOptions, Gliner2Options, StructureSpecs } from "../../src/gliner2/types.js";
import { addClassifications, addStructures } from "../../src/gliner2/schema.js";
import { FIXTURES, readGolden } from "../helpers/fixtures.js";

export const GLINER2_MODEL = join(FIXTURES, "models", "gliner2-span");
export const CONFIDENCE_TOLERANCE = 2e-5;

export interface GoldenSample {
  model_text: string;
  schema_tokens_list: string[][];
  task_types: string[];
  text_tokens: string[];
  prefix_len: number;
  start_mappings: number[];
  end_mappings: number[];
  tokens: string[];
  input_ids: number[];
  pred_counts: number[];
}

export interface GoldenBatch {
  samples: GoldenSample[];
  inputs: Record<string, unknown>;
  input_shapes: Record<string, number[]>;
  outputs: Record<string, unknown>;
  output_shapes: Record<string, number[]>;
}

export type Call = Record<string, unknown>;

export interface Gliner2Case {
  id: string;
  description: string;
  method: string;
  call: Call;
  batches: GoldenBatch[];
  result: unknown;
  error: string | null;
}

export function readGliner2Golden(): { cases: Gliner2Case[] } {
  return readGolden<{ cases: Gliner2Case[] }>("gliner2-span.json");
}

export function internals(model: GLiNER2): LoadedGliner2 {
  return (model as unknown as { model: LoadedGliner2 }).model;
}

/** The call's options in camelCase; offsets as the reference's (code points). */
export function callOptions(call: Call): Gliner2Options & { chunkSize?: number; chunkOverlap?: number } {
  const out: Gliner2Options & { chunkSize?: number; chunkOverlap?: number } = { offsets: "codePoints" };
  if (call["threshold"] !== undefined) out.threshold = call["threshold"] as number;
  if (call["include_confidence"] !== undefined) out.includeConfidence = call["include_confidence"] as boolean;
  if (call["include_spans"] !== undefined) out.includeSpans = call["include_spans"] as boolean;
  if (call["max_len"] !== undefined) out.maxLength = call["max_len"] as number;
  if (call["chunk_size"] !== undefined) out.chunkSize = call["chunk_size"] as number;
  if (call["chunk_overlap"] !== undefined) out.chunkOverlap = call["chunk_overlap"] as number;
  return out;
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

/** The reference's Python call as a Schema built through our builder (same declaration order). */
export function schemaOfCall(c: Gliner2Case): Schema {
  const call = c.call;
  const schema = new Schema();
  switch (c.method) {
    case "extract_entities":
    case "batch_extract_entities":
    case "extract_entities_long":
      return schema.entities(call["entity_types"] as string[]);
    case "classify_text": {
      const tasks = Object.fromEntries(
        Object.entries(call["tasks"] as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v : camelKeys(v as Record<string, unknown>)]),
      );
      addClassifications(schema, tasks as ClassificationTasks);
      return schema;
    }
    case "extract_json":
      addStructures(schema, call["structures"] as StructureSpecs);
      return schema;
    case "extract_relations":
      return schema.relations(call["relation_types"] as string[]);
    default:
      return fromSpec(call["schema_spec"] as Array<[string, unknown[], Record<string, unknown>]>);
  }
}

function fromSpec(spec: Array<[string, unknown[], Record<string, unknown>]>): Schema {
  const schema = new Schema();
  let builder: ReturnType<Schema["structure"]> | undefined;
  for (const [method, args, kwargs] of spec) {
    const options = camelKeys(kwargs);
    if (method === "entities") schema.entities(args[0] as string[], options);
    else if (method === "classification") schema.classification(args[0] as string, args[1] as string[], options);
    else if (method === "relations") schema.relations(args[0] as string[], options);
    else if (method === "structure") builder = schema.structure(args[0] as string);
    else if (method === "field") builder?.field(args[0] as string, options as FieldOptions);
    else throw new Error(`unknown schema_spec method ${method}`);
  }
  return schema;
}

/** Replays the reference's set order of structure fields (recorded in schema_tokens_list); true when it differs. */
export function replayFieldOrder(schema: Schema, sample: GoldenSample): boolean {
  let changed = false;
  sample.schema_tokens_list.forEach((tokens, t) => {
    if (sample.task_types[t] !== "json_structures") return;
    const fields = tokens.flatMap((tok, i) => (tok === "[C]" ? [tokens[i + 1] as string] : []));
    const name = (tokens[2] as string).split(" [DESCRIPTION] ")[0] as string;
    const declared = schema.compile().structures.find((s) => s.name === name)?.fields.map((f) => f.name) ?? [];
    if (fields.join("\u0000") !== declared.join("\u0000")) changed = true;
    schema.setPromptOrder(name, fields);
  });
  return changed;
}

/** Deep equality with key order; numbers under "confidence" within tolerance, other numbers exact. */
export function assertResultEqual(actual: unknown, expected: unknown, path = "result"): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: length ${actual.length} vs ${expected.length}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
    expected.forEach((e, i) => assertResultEqual(actual[i], e, `${path}[${i}]`));
  } else if (typeof expected === "object" && expected !== null) {
    assert.ok(typeof actual === "object" && actual !== null && !Array.isArray(actual), `${path}: expected an object, got ${JSON.stringify(actual)}`);
    assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: keys`);
    for (const [k, v] of Object.entries(expected)) {
      const a = (actual as Record<string, unknown>)[k];
      if (k === "confidence") assert.ok(Math.abs((a as number) - (v as number)) <= CONFIDENCE_TOLERANCE, `${path}.confidence ${String(a)} vs ${String(v)}`);
      else assertResultEqual(a, v, `${path}.${k}`);
    }
  } else assert.equal(actual, expected, path);
}

export type { ExtractResult };

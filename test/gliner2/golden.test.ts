/**
 * Parity with the Python reference (fastino-ai/GLiNER2 1.3.3) on all 23 golden calls: per batch the same
 * words/offsets, sequence tokens and ids, the six model inputs bit-equal, the outputs within 1e-4 of torch
 * (on the entries the reference reads), the same predicted counts; per call the same result (texts, labels,
 * offsets, key and list order; confidences within 2e-5).
 *
 * Structure fields: the reference orders them by Python `set` iteration (PYTHONHASHSEED-dependent), so those
 * cases replay the recorded order through the schema's prompt-order override; everything else runs the public
 * method. `extract_entities_long` raises NameError in the reference at this commit: ours runs, and must equal
 * `extract_long` with the same entity schema (the reference's evident intent).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER2 } from "../../src/node.js";
import { type EncodedRecord } from "../../src/gliner2/sequence.js";
import { buildGliner2Feeds, GLINER2_OUTPUTS } from "../../src/gliner2/tensors.js";
import { CodePointIndex } from "../../src/text/offsets.js";
import { flat } from "../helpers/fixtures.js";
import {
  assertResultEqual,
  callOptions,
  type Gliner2Case,
  GLINER2_MODEL,
  type GoldenBatch,
  internals,
  readGliner2Golden,
  replayFieldOrder,
  schemaOfCall,
} from "./golden-helpers.js";

const LOGIT_TOLERANCE = 1e-4;
const golden = readGliner2Golden();

describe("GLiNER2 golden parity (gliner2-span)", () => {
  let model: GLiNER2;
  const counts = { cases: 0, batches: 0, sequences: 0, inputs: 0, outputs: 0, results: 0, replayedFieldOrder: 0 };
  let maxLogitDiff = 0;
  before(async () => {
    model = await GLiNER2.fromPretrained(GLINER2_MODEL);
  });
  after(async () => {
    await model.dispose();
    console.log(`# gliner2-span: ${JSON.stringify({ ...counts, maxLogitDiff })}`);
  });

  test("covers all 23 reference calls", () => assert.equal(golden.cases.length, 23));

  for (const c of golden.cases) {
    test(c.id, async () => {
      counts.cases++;
      const schema = schemaOfCall(c);
      const replayed = c.batches[0] !== undefined && replayFieldOrder(schema, c.batches[0].samples[0] as GoldenBatch["samples"][0]);
      if (replayed) counts.replayedFieldOrder++;
      const compiled = schema.compile();
      const options = callOptions(c.call);
      for (const batch of c.batches) {
        const records = batch.samples.map((s) => internals(model).encoder.encode(s.model_text, compiled, longOrMaxLen(c)));
        batch.samples.forEach((s, i) => assertSequence(records[i] as EncodedRecord, s, model));
        counts.sequences += records.length;
        const { feeds } = buildGliner2Feeds(records);
        for (const [name, tensor] of Object.entries(feeds)) {
          assert.deepEqual([...tensor.dims], batch.input_shapes[name], `${name} shape`);
          assert.deepEqual(Array.from(tensor.data, Number), flat(batch.inputs[name]), `${name} values`);
        }
        counts.inputs++;
        const outputs = await internals(model).session.run(feeds, GLINER2_OUTPUTS);
        maxLogitDiff = Math.max(maxLogitDiff, assertOutputs(outputs, batch));
        counts.outputs++;
        counts.batches++;
      }
      if (c.error !== null) {
        // extract_entities_long: NameError in the reference; ours equals extract_long with the same entities.
        assert.match(c.error, /NameError/);
        const text = c.call["text"] as string;
        const ours = await model.extractEntitiesLong(text, c.call["entity_types"] as string[], options);
        assert.deepEqual(ours, await model.extractLong(text, { entities: c.call["entity_types"] as string[] }, options));
        counts.results++;
        return;
      }
      assertResultEqual(await callModel(model, c, replayed ? schema : undefined), c.result);
      counts.results++;
    });
  }
});

function longOrMaxLen(c: Gliner2Case): number | undefined {
  if (c.method === "extract_long") return c.call["chunk_size"] as number;
  return c.call["max_len"] as number | undefined;
}

function assertSequence(record: EncodedRecord, s: GoldenBatch["samples"][0], model: GLiNER2): void {
  assert.equal(record.modelText, s.model_text);
  assert.deepEqual(record.tasks.map((t) => t.tokens), s.schema_tokens_list, "schema tokens");
  assert.deepEqual(record.tasks.map((t) => t.type), s.task_types, "task types");
  assert.deepEqual(record.textTokens, s.text_tokens, "text tokens");
  assert.equal(record.prefixLength, s.prefix_len, "prefix length");
  const points = new CodePointIndex(record.modelText);
  assert.deepEqual(record.words.map((w) => points.toCodePoint(w.start)), s.start_mappings, "start mappings");
  assert.deepEqual(record.words.map((w) => points.toCodePoint(w.end)), s.end_mappings, "end mappings");
  assert.deepEqual(record.inputIds, s.input_ids, "input ids");
  const tokenizer = internals(model).encoder.tokenizer;
  assert.deepEqual(record.inputIds.map((id) => tokenizer.tokenOf(id)), s.tokens, "tokens");
}

/** Compares the entries the reference reads; returns the largest difference. */
function assertOutputs(outputs: Record<string, { data: Float32Array; dims: readonly number[] }>, batch: GoldenBatch): number {
  let worst = 0;
  for (const name of GLINER2_OUTPUTS) assert.deepEqual([...(outputs[name]?.dims ?? [])], batch.output_shapes[name], `${name} shape`);
  const [, T, K] = batch.output_shapes["count_logits"] as number[];
  const [, , C, F, L, W] = batch.output_shapes["span_logits"] as number[];
  const ours = (name: string) => (outputs[name] as { data: Float32Array }).data;
  const theirs = (name: string) => flat(batch.outputs[name]);
  const [count, cls, span] = [ours("count_logits"), ours("cls_logits"), ours("span_logits")];
  const [gCount, gCls, gSpan] = [theirs("count_logits"), theirs("cls_logits"), theirs("span_logits")];
  const check = (a: number, b: number, what: string) => {
    const d = Math.abs(a - b);
    worst = Math.max(worst, d);
    assert.ok(d <= LOGIT_TOLERANCE, `${what}: ${a} vs ${b}`);
  };
  batch.samples.forEach((s, b) => {
    const words = s.text_tokens.length;
    s.schema_tokens_list.forEach((tokens, t) => {
      const fields = tokens.filter((tok) => ["[C]", "[E]", "[R]", "[L]"].includes(tok)).length;
      let argmax = 0;
      for (let k = 0; k < (K as number); k++) {
        const at = (b * (T as number) + t) * (K as number) + k;
        check(count[at] as number, gCount[at] as number, `count_logits[${b},${t},${k}]`);
        if ((count[at] as number) > (count[(b * (T as number) + t) * (K as number) + argmax] as number)) argmax = k;
      }
      assert.equal(argmax, s.pred_counts[t], `pred_count of task ${t}`);
      for (let f = 0; f < fields; f++) check(cls[(b * (T as number) + t) * (F as number) + f] as number, gCls[(b * (T as number) + t) * (F as number) + f] as number, `cls_logits[${b},${t},${f}]`);
      for (let c = 0; c < (s.pred_counts[t] as number); c++)
        for (let f = 0; f < fields; f++)
          for (let l = 0; l < words; l++)
            for (let w = 0; w < (W as number) && l + w < words; w++) {
              const at = (((((b * (T as number) + t) * (C as number) + c) * (F as number) + f) * (L as number) + l) * (W as number)) + w;
              check(span[at] as number, gSpan[at] as number, `span_logits[${b},${t},${c},${f},${l},${w}]`);
            }
    });
  });
  return worst;
}

async function callModel(model: GLiNER2, c: Gliner2Case, replayed: ReturnType<typeof schemaOfCall> | undefined): Promise<unknown> {
  const call = c.call;
  const options = callOptions(call);
  if (replayed !== undefined) {
    return c.method === "extract_long" ? model.extractLong(call["text"] as string, replayed, options) : model.extract(call["text"] as string, replayed, options);
  }
  const text = call["text"] as string;
  switch (c.method) {
    case "extract_entities":
      return model.extractEntities(text, call["entity_types"] as string[], options);
    case "classify_text":
      return model.classifyText(text, (schemaOfCallTasks(c)), options);
    case "extract_json":
      return model.extractJson(text, call["structures"] as Record<string, string[]>, options);
    case "extract_relations":
      return model.extractRelations(text, call["relation_types"] as string[], options);
    case "batch_extract_entities":
      return model.batchExtract(call["texts"] as string[], { entities: call["entity_types"] as string[] }, options);
    case "extract_long":
      return model.extractLong(text, schemaOfCall(c), options);
    default:
      return model.extract(text, schemaOfCall(c), options);
  }
}

function schemaOfCallTasks(c: Gliner2Case): Parameters<GLiNER2["classifyText"]>[1] {
  const camel = (k: string) => k.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
  return Object.fromEntries(
    Object.entries(c.call["tasks"] as Record<string, unknown>).map(([k, v]) => [
      k,
      Array.isArray(v) ? v : Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([a, b]) => [camel(a), b])),
    ]),
  ) as Parameters<GLiNER2["classifyText"]>[1];
}

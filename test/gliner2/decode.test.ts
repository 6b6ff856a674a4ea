/**
 * Decoding by hand on synthetic outputs: count gating, the list greedy (−score, start, end) with overlap
 * removal, first-by-position for str fields and relation ends, choice fields scored at their prefix word.
 * Text "Ann met Bob" → "Ann met Bob." words ann(0-3) met(4-7) bob(8-11) .(11-12).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeRecord, type DecodeFlags } from "../../src/gliner2/decode.js";
import { type CompiledSchema, Schema } from "../../src/gliner2/schema.js";
import { fakeOutputs, sigmoid, stubEncoder } from "./support.js";

const PLAIN: DecodeFlags = { threshold: 0.5, includeConfidence: false, includeSpans: false };
const FULL: DecodeFlags = { threshold: 0.5, includeConfidence: true, includeSpans: true };

// Spans of field 0: Ann (0,0)=2 → 0.881, "Ann met Bob" (0,2)=1 → 0.731, "met Bob." (1,2)=4 → 0.982, Bob (2,0)=3 → 0.953.
const SPANS: Record<string, number> = { "0,0": 2, "0,2": 1, "1,2": 4, "2,0": 3 };
const fieldZero = (offset = 0) => (_b: number, _t: number, c: number, f: number, l: number, w: number) =>
  c === 0 && f === 0 ? SPANS[`${l - offset},${w}`] : c === 1 ? 9 : undefined;

function decode(schema: { compile(): CompiledSchema }, counts: number[], flags: DecodeFlags, span = fieldZero(), cls?: (b: number, t: number, f: number) => number) {
  const compiled = schema.compile();
  const record = stubEncoder().encode("Ann met Bob", compiled);
  return decodeRecord(record, compiled, fakeOutputs([record], { counts: [counts], span, ...(cls ? { cls } : {}) }), 0, flags);
}

describe("GLiNER2 decoding", () => {
  test("count 0 gates entities to {} (not a map of empty lists)", () => {
    assert.deepEqual(decode(new Schema().entities(["person", "place"]), [0], PLAIN), { entities: {} });
  });

  test("entities: best first, overlaps with kept spans dropped; slot 1 is never read", () => {
    assert.deepEqual(decode(new Schema().entities(["person", "place"]), [2], PLAIN), { entities: { person: ["met Bob.", "Ann"], place: [] } });
    assert.deepEqual(decode(new Schema().entities(["person"]), [1], FULL), {
      entities: {
        person: [
          { text: "met Bob.", confidence: sigmoid(4), start: 4, end: 12 },
          { text: "Ann", confidence: sigmoid(2), start: 0, end: 3 },
        ],
      },
    });
  });

  test("thresholds are >= on float32 probabilities, per entity type", () => {
    const exact = Math.fround(sigmoid(2));
    const schema = new Schema().entities({ person: { threshold: exact }, other: { threshold: 0.99 } });
    const span = (_b: number, _t: number, c: number, f: number, l: number, w: number) => (c === 0 && l === 0 && w === 0 ? 2 : undefined);
    assert.deepEqual(decode(schema, [1], PLAIN, span), { entities: { person: ["Ann"], other: [] } });
  });

  test("dtype str: the best span, or null", () => {
    const schema = new Schema().entities({ person: { dtype: "str" }, place: { dtype: "str", threshold: 0.99 } });
    assert.deepEqual(decode(schema, [1], PLAIN), { entities: { person: "met Bob.", place: null } });
  });

  test("structures: str fields take the FIRST passing span by position; count 0 gives {}", () => {
    const schema = new Schema().structure("meeting").field("who", { dtype: "str" }).field("all").field("none", { dtype: "str", threshold: 0.999 });
    const span = (_b: number, _t: number, c: number, f: number, l: number, w: number) => (c === 0 && f <= 1 ? SPANS[`${l},${w}`] : undefined);
    assert.deepEqual(decode(schema, [1], PLAIN, span), { meeting: [{ who: "Ann", all: ["met Bob.", "Ann"], none: null }] });
    assert.deepEqual(decode(schema, [0], PLAIN, span), { meeting: {} });
  });

  test("structures: an instance with only null/[] values is dropped; regex validators filter span texts", () => {
    const schema = new Schema().structure("m").field("name", { dtype: "str", validators: [{ pattern: "b.b" }] }).field("x", { validators: [{ pattern: "bob", mode: "partial", exclude: true }] });
    // Slot 0: field 0 sees every span (validator keeps "Bob" only, case-insensitively); slot 1 has nothing.
    const span = (_b: number, _t: number, c: number, f: number, l: number, w: number) => (c === 0 && f === 0 ? SPANS[`${l},${w}`] : c === 0 && f === 1 ? SPANS[`${l},${w}`] : undefined);
    assert.deepEqual(decode(schema, [2], PLAIN, span), { m: [{ name: "Bob", x: ["Ann"] }] });
  });

  test("relations: each end is the first passing span by position; one instance per count slot, under relation_extraction", () => {
    // Slot 0: head spans Ann(0.73) then Bob; tail only "met". Slot 1: head only, no tail → dropped.
    const span = (_b: number, _t: number, c: number, f: number, l: number, w: number) => {
      if (c === 0 && f === 0 && w === 0 && (l === 0 || l === 2)) return l === 0 ? 1 : 5;
      if (c === 0 && f === 1 && l === 1 && w === 0) return 2;
      if (c === 1 && f === 0 && l === 0 && w === 0) return 5;
      return undefined;
    };
    const schema = new Schema().entities(["person"]).relations(["knows", "other"]);
    const result = decode(schema, [0, 2, 0], PLAIN, (b, t, c, f, l, w) => (t === 1 ? span(b, t, c, f, l, w) : undefined));
    assert.deepEqual(result, { entities: {}, relation_extraction: { knows: [["Ann", "met"]], other: [] } });
    const full = decode(schema, [0, 2, 0], { ...FULL, includeSpans: false }, (b, t, c, f, l, w) => (t === 1 ? span(b, t, c, f, l, w) : undefined));
    assert.deepEqual((full["relation_extraction"] as Record<string, unknown>)["knows"], [{ head: { text: "Ann", confidence: sigmoid(1) }, tail: { text: "met", confidence: sigmoid(2) } }]);
  });

  test("choice fields: width-0 score of the first prefix word equal to the choice, case-insensitively", () => {
    // Prefix: ( m: kind ( Kind | ups ) ) → "Kind" first matches the field name at index 2, not index 4.
    const schema = new Schema().structure("m").field("kind", { dtype: "str", choices: ["Kind", "ups"] }).field("many", { dtype: "list", choices: ["ups", "Kind", "ups"] });
    const logits: Record<number, number> = { 2: 3, 4: -3, 6: 1 };
    const span = (_b: number, _t: number, c: number, _f: number, l: number, w: number) => (c === 0 && w === 0 ? logits[l] : undefined);
    assert.deepEqual(decode(schema, [1], { ...PLAIN, includeConfidence: true }, span), {
      m: [{ kind: { text: "Kind", confidence: sigmoid(3) }, many: [{ text: "ups", confidence: sigmoid(1) }, { text: "Kind", confidence: sigmoid(3) }] }],
    });
  });

  test("classification: softmax argmax, or every label >= clsThreshold with sigmoid (else the best)", () => {
    const logits = [0.5, 2, -1];
    const cls = (_b: number, _t: number, f: number) => logits[f] as number;
    const single = decode(new Schema().classification("s", ["a", "b", "c"]), [0], { ...PLAIN, includeConfidence: true }, undefined, cls);
    const z = Math.exp(0.5) + Math.exp(2) + Math.exp(-1);
    assert.equal((single["s"] as { label: string }).label, "b");
    assert.ok(Math.abs((single["s"] as { confidence: number }).confidence - Math.exp(2) / z) < 1e-6);
    const multi = decode(new Schema().classification("s", ["a", "b", "c"], { multiLabel: true, clsThreshold: 0.6 }), [0], PLAIN, undefined, cls);
    assert.deepEqual(multi, { s: ["a", "b"] });
    const none = decode(new Schema().classification("s", ["a", "b", "c"], { multiLabel: true, clsThreshold: 0.99 }), [0], PLAIN, undefined, cls);
    assert.deepEqual(none, { s: ["b"] });
  });

  test("entity lists are deduplicated by lower-cased text when they carry no offsets", () => {
    const compiled = new Schema().entities(["x"]).compile();
    const record = stubEncoder().encode("Bob and bob", compiled);
    const span = (_b: number, _t: number, c: number, _f: number, l: number, w: number) => (c === 0 && w === 0 && (l === 0 || l === 2) ? (l === 0 ? 1 : 2) : undefined);
    const outputs = fakeOutputs([record], { counts: [[1]], span });
    assert.deepEqual(decodeRecord(record, compiled, outputs, 0, PLAIN), { entities: { x: ["bob"] } });
    assert.deepEqual(decodeRecord(record, compiled, outputs, 0, { ...PLAIN, includeSpans: true }), {
      entities: { x: [{ text: "bob", start: 8, end: 11 }, { text: "Bob", start: 0, end: 3 }] },
    });
  });
});

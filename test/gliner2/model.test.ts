/** GLiNER2 on the fixture model: loading errors, offsets, batching, long texts, the public entry. */
import assert from "node:assert/strict";
import { mkdtemp, cp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GLiNER, GLiNER2, InvalidInputError, ModelLoadError, WrongModelClassError } from "../../src/node.js";
import type { SpanValue } from "../../src/gliner2/types.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { GLINER2_MODEL } from "./golden-helpers.js";

const TEXT = "Apple CEO Tim Cook announced the iPhone 15 in Cupertino on September 12, 2023.";

describe("GLiNER2 model", () => {
  let model: GLiNER2;
  before(async () => {
    model = await GLiNER2.fromPretrained(GLINER2_MODEL);
  });
  after(async () => {
    await model.dispose();
  });

  test("a GLiNER2 folder given to GLiNER, and the reverse, is a typed error naming the right class", async () => {
    await assert.rejects(GLiNER.fromPretrained(GLINER2_MODEL), (e: unknown) => e instanceof WrongModelClassError && e.modelClass === "GLiNER2" && /GLiNER2\.fromPretrained/.test(e.message));
    await assert.rejects(GLiNER2.fromPretrained(SPAN_MODEL), (e: unknown) => e instanceof WrongModelClassError && e.modelClass === "GLiNER" && /GLiNER\.fromPretrained/.test(e.message));
  });

  test("dtype picks the ONNX file as for GLiNER", async () => {
    await assert.rejects(GLiNER2.fromPretrained(GLINER2_MODEL, { dtype: "nope" }), InvalidInputError);
    await assert.rejects(GLiNER2.fromPretrained(GLINER2_MODEL, { dtype: "q4", onnxFile: "onnx/missing.onnx" }), ModelLoadError);
  });

  test("a checkpoint folder without ONNX is converted on first use into the cache", async () => {
    const dir = await mkdtemp(join(tmpdir(), "g2-"));
    try {
      const source = join(dir, "ckpt");
      await cp(GLINER2_MODEL, source, { recursive: true });
      await rm(join(source, "onnx"), { recursive: true });
      const cacheDir = join(dir, "hub");
      const converted = await GLiNER2.fromPretrained(source, { cacheDir });
      assert.match(converted.source, /gliner-ts-converted/);
      assert.deepEqual(await converted.extractEntities(TEXT, ["person"]), await model.extractEntities(TEXT, ["person"]));
      await converted.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("offsets are UTF-16 by default (text.slice holds) and code points on request", async () => {
    const text = "🎉🎉 Zoë met Ada Lovelace in London tomorrow";
    const utf16 = await model.extractEntities(text, ["person"], { includeSpans: true, threshold: 0.05 });
    const points = await model.extractEntities(text, ["person"], { includeSpans: true, threshold: 0.05, offsets: "codePoints" });
    const spans = Object.values(utf16["entities"] as Record<string, SpanValue[]>).flat();
    assert.ok(spans.length > 0);
    const modelText = `${text}.`;
    for (const s of spans) assert.equal(modelText.slice(s.start, s.end), s.text);
    const pointSpans = Object.values(points["entities"] as Record<string, SpanValue[]>).flat();
    assert.ok(spans.some((s) => (s.start as number) >= 4), "a span after the emojis");
    pointSpans.forEach((p, i) => {
      assert.equal(p.start, [...modelText.slice(0, spans[i]?.start)].length);
      assert.equal(p.end, [...modelText.slice(0, spans[i]?.end)].length);
    });
  });

  test("batchExtract: length buckets, input order kept, results equal one-by-one calls, progress reported", async () => {
    const texts = [TEXT, "Berlin", "Satya Nadella joined Microsoft in 1992.", "short one", TEXT.slice(0, 40)];
    const schema = { entities: ["person", "organization"], classifications: { tone: ["formal", "casual"] } };
    const progress: number[] = [];
    const batched = await model.batchExtract(texts, schema, { batchSize: 2, includeConfidence: true, onProgress: (done) => progress.push(done) });
    assert.deepEqual(progress, [2, 4, 5]);
    for (const [i, text] of texts.entries()) {
      const single = await model.extract(text, schema, { includeConfidence: true });
      assert.deepEqual(JSON.parse(JSON.stringify(batched[i], round)), JSON.parse(JSON.stringify(single, round)), `text ${i}`);
    }
  });

  test("one schema per text, checked against the text count", async () => {
    const results = await model.batchExtract(["a b", "c d"], [{ entities: ["x"] }, { classifications: { t: ["p", "q"] } }]);
    assert.ok("entities" in (results[0] ?? {}));
    assert.ok("t" in (results[1] ?? {}));
    await assert.rejects(model.batchExtract(["a"], [{ entities: ["x"] }, { entities: ["y"] }]), InvalidInputError);
  });

  test("extractLong with a single chunk finds the spans extract finds, ordered by position", async () => {
    const flags = { includeSpans: true, includeConfidence: true };
    const long = (await model.extractLong(TEXT, { entities: ["person", "date"] }, { chunkSize: 384, ...flags }))["entities"] as Record<string, SpanValue[]>;
    const short = (await model.extract(TEXT, { entities: ["person", "date"] }, flags))["entities"] as Record<string, SpanValue[]>;
    const byPosition = (a: SpanValue, b: SpanValue) => (a.start as number) - (b.start as number);
    assert.deepEqual(Object.keys(long), Object.keys(short));
    for (const label of Object.keys(short)) assert.deepEqual(long[label], [...(short[label] ?? [])].sort(byPosition), label);
  });

  test("bad options and inputs are typed errors", async () => {
    await assert.rejects(model.extractEntities(TEXT, ["x"], { threshold: 2 }), InvalidInputError);
    await assert.rejects(model.extractEntities(TEXT, ["x"], { maxLength: 0 }), InvalidInputError);
    await assert.rejects(model.extract(42 as unknown as string, { entities: ["x"] }), InvalidInputError);
    await assert.rejects(model.extract(TEXT, { entity: ["x"] } as never), /unknown option "entity"/);
  });
});

function round(key: string, value: unknown): unknown {
  return key === "confidence" && typeof value === "number" ? Math.round(value * 1e4) / 1e4 : value;
}

/** The relex API beyond the goldens: load-time refusals, options, windows, batching, bad input. */
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GLiNER, GLiNERBase, isGlinerError, nodeRuntime, type RelationPrediction } from "../../src/node.js";
import { relationExtractorFor } from "../../src/eval/adapters.js";
import { evaluateRelations } from "../../src/eval/relations.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { convertedRelex, readGolden, relexDir, type RelexGoldenFile } from "../helpers/relex.js";

const LABELS = ["person", "organization", "date"];
const RELATIONS = ["founder of", "works for", "date of"];
const TEXT = "Bill Gates and Paul Allen founded Microsoft in 1975. Gates later worked for the Gates Foundation.";

/** Every relation end is the entity it points at. */
function assertConsistent(result: RelationPrediction): void {
  for (const r of result.relations) {
    for (const end of [r.head, r.tail]) {
      const e = result.entities[end.entityIdx];
      assert.ok(e, `entityIdx ${end.entityIdx} exists`);
      assert.deepEqual({ start: end.start, end: end.end, text: end.text, type: end.type }, { start: e.start, end: e.end, text: e.text, type: e.label });
    }
  }
}

describe("relex models", () => {
  let converted: Awaited<ReturnType<typeof convertedRelex>>;
  let model: GLiNER;
  before(async () => {
    converted = await convertedRelex("relex-token");
    model = await GLiNER.fromPretrained(converted.dir);
  });
  after(async () => {
    await model.dispose();
    await converted.remove();
  });

  test("a relex checkpoint without gliner-ts's relex graph is converted on first use into the cache, then reused", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "gliner-relex-cache-"));
    try {
      const first = await GLiNER.fromPretrained(relexDir("relex-token"), { cacheDir });
      assert.equal(first.family, "relex-token");
      const converted = first.source;
      assert.ok(converted.startsWith(join(cacheDir, ".gliner-ts-converted")), converted);
      assert.deepEqual(await first.predictRelations(TEXT, LABELS, RELATIONS), await model.predictRelations(TEXT, LABELS, RELATIONS));
      const built = (await stat(join(converted, "onnx", "model.onnx"))).mtimeMs;
      const again = await GLiNER.fromPretrained(relexDir("relex-token"), { cacheDir });
      assert.equal(again.source, converted);
      assert.equal((await stat(join(converted, "onnx", "model.onnx"))).mtimeMs, built, "not converted twice");
      await Promise.all([first.dispose(), again.dispose()]);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  test("without conversion (a named ONNX file, or the runtime-neutral loader) the refusal names the command", async () => {
    const hint = `npx gliner-ts convert ${relexDir("relex-span")} --out <folder>`;
    await assert.rejects(GLiNERBase.load(nodeRuntime(), relexDir("relex-span")), (e: unknown) => isGlinerError(e) && e.code === "MODEL_LOAD" && e.message.includes(hint));
    const wrong = await mkdtemp(join(tmpdir(), "gliner-relex-wrong-"));
    try {
      await cp(relexDir("relex-span"), wrong, { recursive: true });
      await cp(join(SPAN_MODEL, "onnx"), join(wrong, "onnx"), { recursive: true }); // an ONNX without the relation head
      // Its 8003 embedding rows are fewer than the relex tokenizer's 8004 ids: the vocabulary check refuses first.
      await assert.rejects(GLiNER.fromPretrained(wrong, { onnxFile: "onnx/model.onnx" }), (e: unknown) =>
        isGlinerError(e) && /has 8003 rows/.test(e.message) && e.message.includes(`npx gliner-ts convert ${wrong} --out <folder>`),
      );
      // An ONNX with rows enough (bi-span's, 8100) reaches the signature check.
      await cp(join(SPAN_MODEL, "..", "bi-span", "onnx", "model.onnx"), join(wrong, "onnx", "model.onnx"));
      await assert.rejects(GLiNER.fromPretrained(wrong, { onnxFile: "onnx/model.onnx" }), (e: unknown) =>
        isGlinerError(e) && /not a gliner-ts relex graph/.test(e.message) && /npx gliner-ts convert/.test(e.message),
      );
    } finally {
      await rm(wrong, { recursive: true, force: true });
    }
  });

  test("predictRelations on a model without a relation head is UNSUPPORTED and points to extractRelations", async () => {
    const uni = await GLiNER.fromPretrained(SPAN_MODEL);
    await assert.rejects(uni.predictRelations(TEXT, LABELS, RELATIONS), (e: unknown) =>
      isGlinerError(e) && e.code === "UNSUPPORTED" && /extractRelations/.test(e.message),
    );
    await uni.dispose();
  });

  test("uniqueRelations drops self-relations and repeated triples, keeping each triple's best score", async () => {
    // Golden texts where the reference repeats triples (rel_kg_multi_sentence) and relates spans to themselves (batch_5[3]).
    const cases = readGolden<RelexGoldenFile>("relex-token.json").cases;
    const pick = (id: string, i: number) => {
      const c = cases.find((k) => k.id === id)!;
      return { text: c.call.texts[i]!, labels: c.call.labels as string[], relations: c.call.relations as string[] };
    };
    const key = (r: RelationPrediction["relations"][number]) => `${r.head.entityIdx}|${r.relation}|${r.tail.entityIdx}`;
    const seen = { selfs: 0, repeats: 0 };
    for (const { text, labels, relations } of [pick("rel_kg_multi_sentence", 0), pick("batch_5", 3)]) {
      const all = await model.predictRelations(text, labels, relations);
      const unique = await model.predictRelations(text, labels, relations, { uniqueRelations: true });
      assert.deepEqual(unique.entities, all.entities);
      const others = all.relations.filter((r) => r.head.entityIdx !== r.tail.entityIdx);
      const distinct = new Set(others.map(key));
      seen.selfs += all.relations.length - others.length;
      seen.repeats += others.length - distinct.size;
      assert.deepEqual(unique.relations.map(key), [...distinct], "first-occurrence order");
      for (const r of unique.relations) assert.equal(r.score, Math.max(...others.filter((a) => key(a) === key(r)).map((a) => a.score)));
      assertConsistent(unique);
    }
    assert.ok(seen.selfs > 0 && seen.repeats > 0, "the reference output has self-relations and repeats on these texts");
  });

  test("a batch equals one-by-one calls; per-text relation lists; empty texts give nothing", async () => {
    const texts = [TEXT, "", "Paul Allen worked for Microsoft until 1983."];
    const perText = [RELATIONS, [], ["works for"]];
    const batch = await model.batchPredictRelations(texts, LABELS, perText, { threshold: 0.4 });
    assert.deepEqual(batch[1], { entities: [], relations: [] });
    for (const i of [0, 2]) {
      const one = await model.predictRelations(texts[i]!, LABELS, perText[i]!, { threshold: 0.4 });
      assert.deepEqual(batch[i]!.entities.map((e) => [e.start, e.end, e.label]), one.entities.map((e) => [e.start, e.end, e.label]));
      assert.deepEqual(batch[i]!.relations.map((r) => [r.head.entityIdx, r.relation, r.tail.entityIdx]), one.relations.map((r) => [r.head.entityIdx, r.relation, r.tail.entityIdx]));
      assertConsistent(batch[i]!);
    }
    assert.ok(batch[2]!.relations.every((r) => r.relation === "works for"));
  });

  test("long texts: windows by default, the reference's truncation on request, or an error", async () => {
    const short = await GLiNER.fromPretrained(converted.dir, { maxLength: 12 });
    try {
      const long = `${TEXT} ${TEXT} ${TEXT}`;
      const windowed = await short.predictRelations(long, LABELS, RELATIONS, { threshold: 0.4 });
      assert.ok(windowed.entities.some((e) => e.start > TEXT.length), "entities beyond the first window");
      assertConsistent(windowed);
      const truncated = await short.predictRelations(long, LABELS, RELATIONS, { threshold: 0.4, truncation: "truncate", onTruncate: () => {} });
      assert.ok(truncated.entities.every((e) => e.end <= 60));
      await assert.rejects(short.predictRelations(long, LABELS, RELATIONS, { truncation: "error" }), (e: unknown) => isGlinerError(e) && e.code === "TEXT_TOO_LONG");
    } finally {
      await short.dispose();
    }
  });

  test("bad input is an InvalidInputError naming the argument", async () => {
    const bad: [unknown, unknown, object, RegExp][] = [
      [LABELS, "founder of", {}, /relations must be an array/],
      [LABELS, [""], {}, /relations\[0\] must be a non-empty string/],
      [[], RELATIONS, {}, /labels is empty/],
      [LABELS, RELATIONS, { relationThreshold: 1.5 }, /relationThreshold must be a number strictly between 0 and 1/],
      [LABELS, RELATIONS, { adjacencyThreshold: 0 }, /adjacencyThreshold/],
      [LABELS, RELATIONS, { threshold: null }, /options\.threshold is null/],
      [LABELS, RELATIONS, { labelThresholds: { person: 2 } }, /labelThresholds\["person"\]/],
    ];
    for (const [labels, relations, options, message] of bad) {
      await assert.rejects(
        model.predictRelations(TEXT, labels as string[], relations as string[], options),
        (e: unknown) => isGlinerError(e) && e.code === "INVALID_INPUT" && message.test(e.message),
      );
    }
  });
});

describe("extractRelations on a relex model", () => {
  // The golden case rel_multi_label: the random relex-span model relates several typed pairs here.
  const TEXT = "Tim Cook is the CEO of Apple, which is based in Cupertino, California.";
  const LABELS = ["person", "organization", "location", "company"];
  const RELATIONS = ["CEO of", "based in"];
  let converted: Awaited<ReturnType<typeof convertedRelex>>;
  let model: GLiNER;
  before(async () => {
    converted = await convertedRelex("relex-span");
    model = await GLiNER.fromPretrained(converted.dir);
  });
  after(async () => {
    await model.dispose();
    await converted.remove();
  });

  test("uses the relation head: the relations of predictRelations, deduplicated, as { source, relation, target, score }", async () => {
    const options = { entityLabels: LABELS, relations: RELATIONS, entityThreshold: 0.3, relationThreshold: 0.5, multiLabel: true };
    const head = await model.predictRelations(TEXT, LABELS, RELATIONS, { threshold: 0.3, relationThreshold: 0.5, multiLabel: true, uniqueRelations: true });
    const found = await model.extractRelations(TEXT, options);
    assert.ok(found.length > 0);
    assert.deepEqual(
      found.map((r) => [r.source.text, r.source.label, r.relation, r.target.text, r.target.label, r.score]),
      head.relations.map((r) => [r.head.text, r.head.type, r.relation, r.tail.text, r.tail.type, r.score]),
    );
    const [batch] = await model.batchExtractRelations([TEXT], options);
    assert.deepEqual(batch, found);
  });

  test("pairsFilter and distanceThreshold filter the model's relations", async () => {
    const base = { entityLabels: LABELS, entityThreshold: 0.3, multiLabel: true };
    const all = await model.extractRelations(TEXT, { ...base, relations: ["CEO of"] });
    const pair = all[0]!;
    const filtered = await model.extractRelations(TEXT, {
      ...base,
      relations: [{ relation: "CEO of", pairsFilter: [[pair.source.label, pair.target.label]], distanceThreshold: 10 }],
    });
    const gap = (r: (typeof all)[number]) => Math.max(0, Math.max(r.source.start, r.target.start) - Math.min(r.source.end, r.target.end));
    assert.deepEqual(filtered, all.filter((r) => r.source.label === pair.source.label && r.target.label === pair.target.label && gap(r) <= 10));
    assert.ok(filtered.length < all.length);
    await assert.rejects(model.extractRelations(TEXT, { ...base, relations: ["CEO of"], entities: [] }), (e: unknown) => isGlinerError(e) && /relex model/.test(e.message));
  });

  test("eval --task relations scores the relation head's triples", async () => {
    const text = "Tim Cook is the CEO of Apple , which is based in Cupertino , California .";
    const options = { relations: RELATIONS, entityLabels: LABELS, entityThreshold: 0.3, relationThreshold: 0.3 };
    const found = await model.extractRelations(text, options);
    assert.ok(found.length > 0);
    const mention = (e: { start: number; end: number; label: string }) => ({ start: e.start, end: e.end, label: e.label });
    const gold = found.slice(1).map((r) => ({ head: mention(r.source), relation: r.relation.toLowerCase(), tail: mention(r.target) }));
    const dataset = { name: "own", entityLabels: LABELS, relationLabels: RELATIONS, sentences: [{ text, triples: gold }] };
    const scores = await evaluateRelations(dataset, relationExtractorFor(model, { threshold: 0.3, entityThreshold: 0.3 }));
    assert.deepEqual([scores.strict.predicted, scores.strict.gold, scores.strict.correct], [found.length, found.length - 1, found.length - 1]);
  });
});

test("NER on a relex model: predictEntities reads an empty relation section, as the reference's relations=[] call", async () => {
  for (const name of ["relex-span", "relex-token"] as const) {
    const converted = await convertedRelex(name);
    const model = await GLiNER.fromPretrained(converted.dir);
    try {
      const c = readGolden<RelexGoldenFile>(`${name}.json`).cases.find((k) => k.id === "rel_no_relation_labels")!;
      const [text] = c.call.texts as [string];
      const viaRelations = await model.predictRelations(text, c.call.labels as string[], [], { threshold: c.call.threshold });
      const entities = await model.predictEntities(text, c.call.labels as string[], { threshold: c.call.threshold });
      assert.ok(entities.length > 0);
      assert.deepEqual(entities.map((e) => [e.start, e.end, e.label]), viaRelations.entities.map((e) => [e.start, e.end, e.label]));
      assert.deepEqual(entities.map((e) => [e.start, e.end, e.label]), c.entities![0]!.map((e) => [[...text].slice(0, e.start).join("").length, [...text].slice(0, e.end).join("").length, e.label]));
      const streamed = [];
      for await (const r of model.stream([text], c.call.labels as string[], { threshold: c.call.threshold })) streamed.push(r.entities);
      assert.deepEqual(streamed, [entities]);
    } finally {
      await model.dispose();
      await converted.remove();
    }
  }
});

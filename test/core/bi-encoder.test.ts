/** Bi-encoder runtime behaviour beyond the goldens: the label-embedding cache, many labels, long texts, errors. */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GLiNER, isGlinerError } from "../../src/node.js";
import { biLabelChunks } from "../../src/labels/batches.js";
import { LruCache } from "../../src/labels/cache.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import type { FloatTensor } from "../../src/runtime/runtime.js";
import { buildFeeds } from "../../src/tensors/batch.js";
import { splitWords } from "../../src/text/words.js";
import { FIXTURES, SPAN_MODEL } from "../helpers/fixtures.js";
import { type HubServer, startHubServer } from "../helpers/hub-server.js";
import { modelInternals } from "../helpers/internals.js";

const BI_SPAN = join(FIXTURES, "models", "bi-span");
const BI_TOKEN = join(FIXTURES, "models", "bi-token");
const TEXT = "Tim Cook is the CEO of Apple, which is based in Cupertino, California.";
const LABELS = ["person", "organization", "location"];

test("bi-encoder label chunks only bound the logits of a pass", () => {
  assert.deepEqual(biLabelChunks(5, 40, 12), [[0, 1, 2, 3, 4]]);
  assert.deepEqual(biLabelChunks(5, 10, 3, 60), [[0, 1], [2, 3], [4]]);
  assert.deepEqual(biLabelChunks(3, 100, 12, 10), [[0], [1], [2]], "at least one label per chunk");
  assert.equal(biLabelChunks(10_000, 512, 12).length, 4); // 61M logits → 4 passes of ≤ 16M
  assert.equal(biLabelChunks(1_000, 512, 12).length, 1);
});

test("LruCache evicts the least recently used entry and counts hits and misses", () => {
  const cache = new LruCache<string, number>(2);
  cache.set("a", 1);
  cache.set("b", 2);
  assert.equal(cache.get("a"), 1); // a is now the most recent
  cache.set("c", 3); // evicts b
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("c"), 3);
  assert.deepEqual(cache.stats, { hits: 2, misses: 1, size: 2, capacity: 2 });
  const off = new LruCache<string, number>(0);
  off.set("a", 1);
  assert.equal(off.get("a"), undefined);
});

describe("bi-encoder runtime", () => {
  let span: GLiNER;
  before(async () => {
    span = await GLiNER.fromPretrained(BI_SPAN, { labelCacheSize: 100 });
  });
  after(async () => span.dispose());

  test("repeated labels are served from the cache, and the results do not change", async () => {
    const first = await span.predictEntities(TEXT, LABELS, { threshold: 0.3 });
    const afterFirst = span.labelCache;
    assert.ok(afterFirst);
    const second = await span.batchPredictEntities([TEXT, TEXT], LABELS, { threshold: 0.3 });
    const afterSecond = span.labelCache;
    assert.ok(afterSecond);
    assert.equal(afterSecond.misses, afterFirst.misses, "no label was encoded again");
    assert.equal(afterSecond.hits - afterFirst.hits, LABELS.length);
    assert.deepEqual(second, [first, first]);
  });

  test("encodeLabels keeps order and duplicates; stored embeddings give the same entities", async () => {
    const embeddings = await span.encodeLabels(["person", "person", "location"]);
    assert.deepEqual(embeddings.labels, ["person", "person", "location"]);
    assert.equal(embeddings.data.length, 3 * embeddings.dim);
    assert.deepEqual(embeddings.data.subarray(0, embeddings.dim), embeddings.data.subarray(embeddings.dim, 2 * embeddings.dim));
    const all = await span.encodeLabels(LABELS);
    const fresh = await GLiNER.fromPretrained(BI_SPAN, { labelCacheSize: 0 });
    try {
      const withStored = await fresh.predictEntities(TEXT, LABELS, { threshold: 0.3, labelEmbeddings: all });
      assert.deepEqual(withStored, await span.predictEntities(TEXT, LABELS, { threshold: 0.3 }));
    } finally {
      await fresh.dispose();
    }
  });

  test("thousands of labels run in one pass, and a label scores the same among 2,000 as among 3", async () => {
    const many = Array.from({ length: 2000 }, (_, i) => `type ${i}`);
    const labels = [...many.slice(0, 1000), ...LABELS, ...many.slice(1000)];
    const [result] = await span.inference([TEXT], labels, { threshold: 0.3 });
    assert.equal(result?.passes, 1);
    // A text long enough that 2,003 labels exceed one pass's logits budget: two label chunks, same scores.
    const long = Array.from({ length: 60 }, () => TEXT).join(" ");
    const [chunked] = await span.inference([long], [...labels, ...many.map((l) => `${l} x`)], { threshold: 0.99, window: 512 });
    const [windowsOnly] = await span.inference([long], LABELS, { threshold: 0.99, window: 512 });
    assert.ok((windowsOnly?.passes ?? 0) > 1);
    assert.equal(chunked?.passes, 2 * (windowsOnly?.passes ?? 0), "every window × 2 label chunks");
    // Scores are per label: the logits of LABELS among 2,003 labels equal those of LABELS alone.
    const few = await spanLogits(span, LABELS);
    const fromMany = await spanLogits(span, labels);
    const columns = fromMany.dims[3] as number;
    let delta = 0;
    for (let row = 0; row < few.data.length / LABELS.length; row++) {
      LABELS.forEach((_, c) => (delta = Math.max(delta, Math.abs((few.data[row * LABELS.length + c] as number) - (fromMany.data[row * columns + 1000 + c] as number)))));
    }
    assert.ok(delta < 1e-5, `max |Δlogit| ${delta}`);
  });

  test("long texts are windowed and streamed as with uni-encoders", async () => {
    const long = Array.from({ length: 300 }, () => TEXT).join(" ");
    const [result] = await span.inference([long], LABELS, { window: 200, threshold: 0.3 });
    assert.ok((result?.passes ?? 0) > 1);
    const streamed = [];
    for await (const r of span.stream([TEXT, { text: TEXT, labels: ["person"] }], LABELS, { threshold: 0.3 })) streamed.push(r);
    assert.deepEqual(streamed[0]?.entities, await span.predictEntities(TEXT, LABELS, { threshold: 0.3 }));
    assert.deepEqual(streamed[1]?.entities, await span.predictEntities(TEXT, ["person"], { threshold: 0.3 }));
  });

  test("evaluation's pre-split words path runs bi-encoders like predictEntities", async () => {
    const words = splitWords(TEXT).map((w) => w.text);
    const [ours = []] = await span.run("ner", [{ text: words.join(" "), words, labels: LABELS }], { threshold: 0.3, batchOrder: "input" });
    const entities = await span.predictEntities(TEXT, LABELS, { threshold: 0.3 });
    assert.deepEqual(
      ours.map((e) => [e.text.replaceAll(" ", ""), e.label]),
      entities.map((e) => [e.text.replaceAll(" ", ""), e.label]),
    );
  });

  test("through the task registry: model.run('ner') with and without stored embeddings, and a prompted task", async () => {
    const expected = await span.predictEntities(TEXT, LABELS, { threshold: 0.3 });
    assert.deepEqual(await span.run("ner", [{ text: TEXT, labels: LABELS }], { threshold: 0.3 }), [expected]);
    const embeddings = await span.encodeLabels(LABELS);
    const fresh = await GLiNER.fromPretrained(BI_SPAN, { labelCacheSize: 0 });
    try {
      const viaRun = await fresh.run("ner", [{ text: TEXT, labels: LABELS }], { threshold: 0.3, labelEmbeddings: embeddings });
      assert.deepEqual(viaRun, [expected]);
      assert.equal(fresh.labelCache?.misses, 0, "the labels encoder did not run");
    } finally {
      await fresh.dispose();
    }
    // Task prompts are words before the text; a bi-encoder reads them as text (no label prompt to share with).
    const answers = await span.answer("Who is the CEO of Apple?", TEXT, { threshold: 0.1 });
    for (const a of answers) assert.equal(TEXT.slice(a.start, a.end), a.text);
    const uni = await GLiNER.fromPretrained(SPAN_MODEL);
    try {
      await assert.rejects(uni.run("ner", [{ text: TEXT, labels: LABELS }], { labelEmbeddings: embeddings }), /need a bi-encoder model/);
    } finally {
      await uni.dispose();
    }
  });

  test("the token bi-encoder also runs through the tokens graph, with the same entities", async () => {
    const viaEmbeddings = await GLiNER.fromPretrained(BI_TOKEN);
    const viaTokens = await GLiNER.fromPretrained(BI_TOKEN, { onnxFile: "onnx/model.onnx" });
    try {
      // Loading checks the labels encoder and the logits layout without touching the cache.
      assert.deepEqual(viaEmbeddings.labelCache, { hits: 0, misses: 0, size: 0, capacity: 10_000 });
      assert.deepEqual(await viaTokens.predictEntities(TEXT, LABELS, { threshold: 0.3 }), await viaEmbeddings.predictEntities(TEXT, LABELS, { threshold: 0.3 }));
      const embeddings = await viaEmbeddings.encodeLabels(LABELS);
      await assert.rejects(
        viaTokens.predictEntities(TEXT, LABELS, { labelEmbeddings: embeddings }),
        (e: unknown) => isGlinerError(e) && e.code === "INVALID_INPUT" && /takes labels as tokens/.test(e.message),
      );
    } finally {
      await Promise.all([viaEmbeddings.dispose(), viaTokens.dispose()]);
    }
  });

  test("label embeddings are refused by uni-encoders and checked for shape", async () => {
    const uni = await GLiNER.fromPretrained(SPAN_MODEL);
    try {
      assert.equal(uni.labelCache, undefined);
      await assert.rejects(uni.encodeLabels(["person"]), (e: unknown) => isGlinerError(e) && /need a bi-encoder model/.test(e.message));
    } finally {
      await uni.dispose();
    }
    const bad = { labels: ["person"], dim: 5, data: new Float32Array(4) };
    await assert.rejects(span.predictEntities(TEXT, ["person"], { labelEmbeddings: bad }), /labels.length × dim/);
  });
});

async function spanLogits(model: GLiNER, labels: readonly string[]): Promise<FloatTensor> {
  const { config, tokenizer, session, labels: encoder } = modelInternals(model);
  const words = splitWords(TEXT).map((w) => w.text);
  const { feeds } = buildFeeds([encodePrompt(labels, words, config, tokenizer)], { padId: tokenizer.padId, spanWidth: config.maxWidth });
  Object.assign(feeds, await encoder?.feeds(labels));
  const { logits } = await session.run(feeds, ["logits"]);
  assert.ok(logits);
  return logits;
}

describe("bi-encoder from the hub, labels tokenizer from the labels_encoder repo", () => {
  let hub: HubServer;
  let work: string;
  before(async () => {
    // The layout of a real bi-encoder repo: no labels_encoder/ folder; gliner_config.json names the labels
    // encoder's hub repo, whose tokenizer.json the loader must fetch (GLiNER never saves it).
    work = await mkdtemp(join(tmpdir(), "gliner-bi-hub-"));
    const model = join(work, "model");
    await cp(BI_SPAN, model, { recursive: true });
    await rm(join(model, "labels_encoder"), { recursive: true });
    const config = JSON.parse(await readFile(join(model, "gliner_config.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(model, "gliner_config.json"), JSON.stringify({ ...config, labels_encoder: "test-org/labels-encoder" }));
    hub = await startHubServer({ repos: { "test-org/bi-span": model, "test-org/labels-encoder": join(BI_SPAN, "labels_encoder") } });
  });
  after(async () => {
    await hub.close();
    await rm(work, { recursive: true, force: true });
  });

  test("predicts like the local folder", async () => {
    const remote = await GLiNER.fromPretrained("test-org/bi-span", { endpoint: hub.url, cacheDir: join(work, "cache") });
    const local = await GLiNER.fromPretrained(BI_SPAN);
    try {
      assert.ok(hub.requests.some((r) => r.path.includes("/test-org/labels-encoder/resolve/main/tokenizer.json")));
      assert.deepEqual(await remote.predictEntities(TEXT, LABELS, { threshold: 0.3 }), await local.predictEntities(TEXT, LABELS, { threshold: 0.3 }));
    } finally {
      await Promise.all([remote.dispose(), local.dispose()]);
    }
  });
});

/** Word splitters through a real (fixture) model and through model configs that name a Python splitter. */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GLiNER, GlinerError, InvalidInputError } from "../../src/node.js";
import { parseModelConfig } from "../../src/model/config.js";
import { splitWords } from "../../src/text/words.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";

const CHINESE = "马云在杭州创立了阿里巴巴集团，总部位于中国浙江省。";
const LABELS = ["person", "organization", "location"];

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`Chinese text on ${dir.split("/").pop()}`, () => {
    let model: GLiNER;
    before(async () => {
      model = await GLiNER.fromPretrained(dir);
    });
    after(() => model.dispose());

    test("whitespace reads each run as one word; auto gives several words and entities with exact offsets", async () => {
      const [whitespace] = await model.inference([CHINESE], LABELS, { threshold: 0.01 });
      const [auto] = await model.inference([CHINESE], LABELS, { threshold: 0.01, wordSplitter: "auto" });
      assert.equal(whitespace?.words, 4, "two runs and two punctuation marks");
      assert.ok((auto?.words ?? 0) >= 10, `dictionary words: ${auto?.words}`);
      const spans = new Set(auto?.entities.map((e) => `${e.start}:${e.end}`));
      assert.ok(spans.size >= 2, "several distinct spans, not only whole runs");
      for (const e of auto?.entities ?? []) {
        assert.equal(CHINESE.slice(e.start, e.end), e.text);
        assert.ok(LABELS.includes(e.label) && e.score > 0.01);
      }
      const starts = new Set(splitWords(CHINESE).map((w) => w.start));
      const ends = new Set(splitWords(CHINESE).map((w) => w.end));
      for (const e of whitespace?.entities ?? []) assert.ok(starts.has(e.start) && ends.has(e.end), "whitespace spans are whole runs");
      assert.ok(auto?.entities.some((e) => !starts.has(e.start) || !ends.has(e.end)), "auto finds spans inside a run");
    });

    test("the splitter set at load is the default; a call can override it; a bad one is refused", async () => {
      const intl = await GLiNER.fromPretrained(dir, { wordSplitter: "intl:zh" });
      try {
        const [byLoad] = await intl.inference([CHINESE], LABELS, { threshold: 0.01 });
        const [byCall] = await model.inference([CHINESE], LABELS, { threshold: 0.01, wordSplitter: "intl:zh" });
        assert.deepEqual(byLoad, byCall);
        const [back] = await intl.inference([CHINESE], LABELS, { threshold: 0.01, wordSplitter: "whitespace" });
        assert.equal(back?.words, 4);
      } finally {
        await intl.dispose();
      }
      await assert.rejects(model.predictEntities(CHINESE, LABELS, { wordSplitter: "jieba" as "auto" }), InvalidInputError);
    });
  });
}

describe("words_splitter_type in the model config", () => {
  test("the reference's Python splitters map to Intl.Segmenter stand-ins with a notice; unknown ones are refused", () => {
    const base = { class_token_index: 5 };
    assert.deepEqual(parseModelConfig({ ...base }).wordSplitter, { kind: "whitespace" });
    assert.equal(parseModelConfig({ ...base }).wordSplitterNotice, undefined);
    const jieba = parseModelConfig({ ...base, words_splitter_type: "jieba" });
    assert.deepEqual(jieba.wordSplitter, { kind: "intl", locale: "zh" });
    assert.match(jieba.wordSplitterNotice ?? "", /"jieba" word splitter.*Intl\.Segmenter/);
    assert.deepEqual(parseModelConfig({ ...base, words_splitter_type: "janome" }).wordSplitter, { kind: "intl", locale: "ja" });
    assert.deepEqual(parseModelConfig({ ...base, words_splitter_type: "spacy" }).wordSplitter, { kind: "auto" });
    assert.throws(
      () => parseModelConfig({ ...base, words_splitter_type: "toString" }),
      (e: unknown) => e instanceof GlinerError && e.code === "UNSUPPORTED" && /"toString" is unknown/.test(e.message),
    );
  });

  test("a model whose config names jieba loads, segments Chinese, and says so once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gliner-jieba-"));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      cpSync(SPAN_MODEL, dir, { recursive: true });
      const config = JSON.parse(readFileSync(join(dir, "gliner_config.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(dir, "gliner_config.json"), JSON.stringify({ ...config, words_splitter_type: "jieba" }));
      for (let i = 0; i < 2; i++) {
        const model = await GLiNER.fromPretrained(dir);
        const [result] = await model.inference([CHINESE], LABELS);
        assert.ok((result?.words ?? 0) >= 10);
        await model.dispose();
      }
      await new Promise((resolve) => setImmediate(resolve)); // warnings are delivered on the next tick
      assert.equal(warnings.filter((m) => m.includes('"jieba" word splitter')).length, 1);
    } finally {
      process.off("warning", onWarning);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

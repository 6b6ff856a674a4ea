/** GLiNER2 with the word splitters: the same options as GLiNER, on its own rule for spaced scripts. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER2, InvalidInputError } from "../../src/node.js";
import { gliner2WordSplitter, splitGliner2Words } from "../../src/gliner2/words.js";
import { parseWordSplitter } from "../../src/text/words.js";
import { GLINER2_MODEL } from "../gliner2/golden-helpers.js";

const CHINESE = "马云在杭州创立了阿里巴巴集团，总部位于中国浙江省。";

describe("GLiNER2 word splitters", () => {
  let model: GLiNER2;
  before(async () => {
    model = await GLiNER2.fromPretrained(GLINER2_MODEL);
  });
  after(() => model.dispose());

  test("auto keeps GLiNER2's rule (URLs, e-mails, @handles) outside unspaced runs", () => {
    const text = "Mail a@b.com or see https://x.org/p?q=1 @fastino 北京大学";
    const auto = gliner2WordSplitter(parseWordSplitter("auto"))(text).map((w) => w.text);
    assert.deepEqual(auto.slice(0, -2), splitGliner2Words("Mail a@b.com or see https://x.org/p?q=1 @fastino").map((w) => w.text));
    assert.ok(auto.length >= splitGliner2Words(text).length + 1, "the Chinese run is more than one word");
  });

  test("entities inside a Chinese run with auto, exact offsets; a bad splitter is refused", async () => {
    const whitespace = await model.extractEntities(CHINESE, ["person"], { threshold: 0.01, includeSpans: true });
    const auto = await model.extractEntities(CHINESE, ["person"], { threshold: 0.01, includeSpans: true, wordSplitter: "auto" });
    const spans = (result: unknown) =>
      Object.values((result as { entities: Record<string, { text: string; start: number; end: number }[]> }).entities)
        .flat()
        .filter((s) => s.end <= CHINESE.length); // not the "." the reference appends to texts without final punctuation
    const words = splitGliner2Words(CHINESE);
    const starts = new Set(words.map((w) => w.start));
    const ends = new Set(words.map((w) => w.end));
    const wholeRuns = (s: { start: number; end: number }) => starts.has(s.start) && ends.has(s.end);
    assert.ok(spans(whitespace).every(wholeRuns), "whitespace: whole runs only");
    assert.ok(spans(auto).some((s) => !wholeRuns(s)), "auto: spans inside a run");
    for (const s of spans(auto)) assert.equal(CHINESE.slice(s.start, s.end), s.text);
    await assert.rejects(model.extractEntities(CHINESE, ["person"], { wordSplitter: "jieba" as "auto" }), InvalidInputError);
  });
});

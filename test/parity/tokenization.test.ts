/**
 * The 300 reference strings: words (the reference's Unicode splitter) and token ids (the fast tokenizer as
 * GLiNER calls it, word by word) must be identical. 7 of them exercise the Precompiled (nmt_nfkc) charsmap and
 * the Strip normalizer, where tokenizers.js alone differs from the Rust tokenizers crate.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { WordTokenizer } from "../../src/model/tokenizer.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import { splitWords } from "../../src/text/words.js";
import { readGolden, SPAN_MODEL } from "../helpers/fixtures.js";

interface TokenizationCase {
  text: string;
  words: string[];
  input_ids: number[];
  words_mask: number[];
}

const golden = readGolden<{ cases: TokenizationCase[] }>("tokenization.json");
const tokenizer = new WordTokenizer({
  tokenizer: JSON.parse(readFileSync(join(SPAN_MODEL, "tokenizer.json"), "utf8")),
  tokenizerConfig: JSON.parse(readFileSync(join(SPAN_MODEL, "tokenizer_config.json"), "utf8")),
});

test("300 reference strings: words, input ids and words_mask are identical", () => {
  assert.equal(golden.cases.length, 300);
  let identical = 0;
  for (const c of golden.cases) {
    const words = splitWords(c.text).map((w) => w.text);
    // The reference sends [""] for a text without words (GLiNER itself never tokenizes those).
    assert.deepEqual(words.length === 0 ? [""] : words, c.words, `words of ${JSON.stringify(c.text)}`);
    const ids = [tokenizer.clsId, ...c.words.flatMap((w) => [...tokenizer.encodeWord(w)]), tokenizer.sepId];
    assert.deepEqual(ids, c.input_ids, `ids of ${JSON.stringify(c.text)}`);
    if (words.length > 0) {
      // No prompt here: a zero-label "prompt" is just <<SEP>>, so check the mask on the words alone.
      const mask = [0, ...c.words.flatMap((w, i) => tokenizer.encodeWord(w).map((_, t) => (t === 0 ? i + 1 : 0))), 0];
      assert.deepEqual(mask, c.words_mask, `words_mask of ${JSON.stringify(c.text)}`);
    }
    identical++;
  }
  assert.equal(identical, 300);
});

test("the exact normalizers matter: ligature, full-width and BOM words", () => {
  // U+FB01 "ﬁ" → "fi" (nmt_nfkc); U+FF21 "Ａ" → "A"; a lone BOM is not Unicode White_Space, so Rust's Strip keeps it
  // and the charsmap turns it into a space → "▁".
  assert.deepEqual(tokenizer.encodeWord("ﬁle"), tokenizer.encodeWord("file"));
  assert.deepEqual(tokenizer.encodeWord("Ａ"), tokenizer.encodeWord("A"));
  assert.deepEqual(tokenizer.encodeWord("\uFEFF"), [tokenizer.tokenId("▁")]);
});

test("words_mask follows HEAD's prepare_word_mask: 1-based word index at each word's first sub-token", () => {
  const encoded = encodePrompt(["person", "company"], ["Bill", "Gates"], { entToken: "<<ENT>>", sepToken: "<<SEP>>" }, tokenizer);
  const ent = tokenizer.tokenId("<<ENT>>");
  const sep = tokenizer.tokenId("<<SEP>>");
  assert.equal(encoded.inputIds[0], tokenizer.clsId);
  assert.equal(encoded.inputIds[1], ent);
  assert.ok(encoded.inputIds.includes(sep as number));
  const firstBill = 1 + [ "<<ENT>>", "person", "<<ENT>>", "company", "<<SEP>>"].reduce((n, w) => n + tokenizer.encodeWord(w).length, 0);
  assert.equal(encoded.wordsMask[firstBill], 1);
  assert.equal(encoded.wordsMask[firstBill + tokenizer.encodeWord("Bill").length], 2);
  assert.equal(encoded.wordsMask.filter((v) => v > 0).length, 2);
  assert.equal(encoded.textLength, 2);
});

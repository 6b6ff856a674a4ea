import assert from "node:assert/strict";
import { test } from "node:test";
import { CodePointIndex } from "../../src/text/offsets.js";
import { splitWords } from "../../src/text/words.js";
import { utf16Offset } from "../helpers/fixtures.js";

const words = (text: string) => splitWords(text).map((w) => w.text);

test("joins word characters with single hyphens/underscores; every other symbol is a word", () => {
  assert.deepEqual(words("state-of-the-art foo_bar U.S. don't $100 3.14"), [
    "state-of-the-art", "foo_bar", "U", ".", "S", ".", "don", "'", "t", "$", "100", "3", ".", "14",
  ]);
  assert.deepEqual(words("a--b -x y-"), ["a", "-", "-", "b", "-", "x", "y", "-"]);
});

test("Python's Unicode \\w: letters and numbers of any script, but not combining marks", () => {
  assert.deepEqual(words("école Zürich ١٢٣ 東京タワー"), ["école", "Zürich", "١٢٣", "東京タワー"]);
  // "é" written as e + U+0301: the combining mark is not \w in Python, so it splits the word.
  assert.deepEqual(words("e\u0301cole"), ["e", "\u0301", "cole"]);
  // Devanagari vowel signs are combining marks too.
  assert.deepEqual(words("हिन्दी"), ["ह", "ि", "न", "्", "द", "ी"]);
});

test("Python's whitespace set: U+001C..U+001F and U+0085 separate, U+FEFF and U+200B are words", () => {
  assert.deepEqual(words("a\u001cb\u0085c\u00a0d"), ["a", "b", "c", "d"]);
  assert.deepEqual(words("a\ufeffb\u200bc"), ["a", "\ufeff", "b", "\u200b", "c"]);
});

test("offsets are UTF-16 so text.slice works, and map to Python's code points", () => {
  const text = "😀 Anna met Bob 👩🏽‍💻 in Paris";
  for (const w of splitWords(text)) assert.equal(text.slice(w.start, w.end), w.text);
  const paris = splitWords(text).find((w) => w.text === "Paris");
  assert.ok(paris);
  const index = new CodePointIndex(text);
  const codePoint = index.toCodePoint(paris.start);
  assert.equal([...text].slice(codePoint, codePoint + 5).join(""), "Paris");
  assert.equal(utf16Offset(text, codePoint), paris.start);
});

test("a text is blank (no model call) exactly when Python str.strip() leaves nothing: it has no words", () => {
  assert.equal(splitWords("").length, 0);
  assert.equal(splitWords(" \t\n\u3000\u0085").length, 0);
  assert.equal(splitWords("\u200b").length, 1);
  assert.equal(splitWords("\ufeff").length, 1);
});

/**
 * Word splitters: hand-checked segmentations of unspaced scripts, offsets that stay exact in every script, and
 * the whitespace path unchanged. The segmentations below were read and checked by hand against ICU 78.2 (Node
 * 20.20.2); ICU's dictionaries change between releases, so they are skipped on a runtime with another ICU.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseWordSplitter, splitWords, type Word, wordSplitterFor } from "../../src/text/words.js";
import { readGolden } from "../helpers/fixtures.js";

const ICU = process.versions.icu ?? "";
const sameIcu = ICU.split(".")[0] === "78";
const skipIcu = sameIcu ? false : `segmentations checked with ICU 78.2; this runtime has ICU ${ICU || "unknown"}`;

const split = (splitter: string, text: string): string[] => wordSplitterFor(parseWordSplitter(splitter))(text).map((w) => w.text);

const PYTHON_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

function assertExactOffsets(text: string, words: readonly Word[]): void {
  let previousEnd = 0;
  for (const w of words) {
    assert.equal(text.slice(w.start, w.end), w.text, `word ${JSON.stringify(w)} in ${JSON.stringify(text)}`);
    assert.ok(w.start >= previousEnd && w.end > w.start, "words are ordered and do not overlap");
    assert.ok(!PYTHON_SPACE.test(w.text), "no word holds white space (Python's \\s: U+FEFF is not space there)");
    previousEnd = w.end;
  }
}

describe("unspaced scripts (hand-checked, ICU 78)", { skip: skipIcu }, () => {
  const cases: [string, string, string[]][] = [
    ["Chinese", "北京大学的学生在上海工作。", ["北京", "大学", "的", "学生", "在", "上海", "工作", "。"]],
    [
      "Japanese",
      "東京都に住んでいる田中さんはソニーで働いています。",
      ["東京", "都", "に", "住", "んで", "いる", "田中", "さん", "は", "ソニー", "で", "働", "い", "てい", "ます", "。"],
    ],
    ["Thai", "ฉันอาศัยอยู่ที่กรุงเทพมหานคร ประเทศไทย", ["ฉัน", "อาศัย", "อยู่", "ที่", "กรุงเทพมหานคร", "ประเทศไทย"]],
    ["Korean (spaced: particles stay on their words)", "삼성전자는 서울에 본사를 두고 있다.", ["삼성전자는", "서울에", "본사를", "두고", "있다", "."]],
  ];
  for (const [script, text, words] of cases) {
    test(`${script}: "intl" and "auto" give dictionary words`, () => {
      assert.deepEqual(split("intl", text), words);
      assert.deepEqual(split("auto", text), words);
    });
  }

  test("mixed scripts: auto keeps the reference's rule outside unspaced runs, intl segments everything", () => {
    const text = "Apple公司的CEO是Tim Cook。e-mail 3.14";
    assert.deepEqual(split("auto", text), ["Apple", "公司", "的", "CEO", "是", "Tim", "Cook", "。", "e-mail", "3", ".", "14"]);
    assert.deepEqual(split("intl", text), ["Apple", "公司", "的", "CEO", "是", "Tim", "Cook", "。", "e", "-", "mail", "3.14"]);
    assert.deepEqual(split("whitespace", text), ["Apple公司的CEO是Tim", "Cook", "。", "e-mail", "3", ".", "14"]);
  });
});

describe("offsets and the whitespace path (any ICU)", () => {
  const hard = [
    "👩‍👩‍👧 family 🇫🇷 in Paris, café naïve (e\u0301) 𝒳 — 東京タワーは東京にあります。",
    "กรุงเทพฯ 🏙️ Bangkok ภาษาไทย\u0E31 ; 북한 and 北京 🐉 〜 ラーメン！",
    "\u0301 leading mark, tab\tand\u3000ideographic space, \uFEFFbom",
  ];
  for (const splitter of ["whitespace", "intl", "auto", "intl:ja", "auto:th"]) {
    test(`${splitter}: text.slice(start, end) === text for every word`, () => {
      for (const text of hard) assertExactOffsets(text, wordSplitterFor(parseWordSplitter(splitter))(text));
    });
  }

  test("auto equals the whitespace splitter on every golden tokenization string without unspaced scripts", () => {
    const golden = readGolden<{ cases: { text: string }[] }>("tokenization.json");
    const unspaced = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}\p{scx=Tibetan}]/u;
    const spaced = golden.cases.map((c) => c.text).filter((t) => !unspaced.test(t));
    assert.ok(spaced.length > 200, `most of the 300 strings are spaced scripts (${spaced.length})`);
    const auto = wordSplitterFor(parseWordSplitter("auto"));
    for (const text of spaced) assert.deepEqual(auto(text), splitWords(text), text);
  });

  test("a run of an unspaced script is one word for the whitespace splitter, several for auto", () => {
    assert.deepEqual(split("whitespace", "北京大学的学生"), ["北京大学的学生"]);
    assert.ok(split("auto", "北京大学的学生").length >= 3);
  });

  test("splitter names: locales are canonicalised, bad names and locales are refused with the fix", () => {
    assert.deepEqual(parseWordSplitter("intl:JA"), { kind: "intl", locale: "ja" });
    assert.deepEqual(parseWordSplitter("auto"), { kind: "auto" });
    assert.throws(() => parseWordSplitter("jieba"), /not a word splitter; use "whitespace", "intl" or "auto"/);
    assert.throws(() => parseWordSplitter("whitespace:en"), /takes no locale/);
    assert.throws(() => parseWordSplitter("intl:not a locale!"), /not a BCP 47 locale/);
  });
});

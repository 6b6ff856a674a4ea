/**
 * ① Text → words for scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar, Tibetan),
 * with the platform's word segmenter: `Intl.Segmenter` (ICU dictionaries, in Node and every current browser).
 *
 * The reference's whitespace rule reads a whole run of such characters as ONE word, so a span can only be the
 * entire run; these splitters give the model dictionary words instead. Both keep exact UTF-16 offsets.
 */
import type { Word } from "./words.js";

/** Splits a stretch of text (starting at `offset` in the whole text) into words. */
export type SpanSplitter = (text: string, offset: number) => Word[];

/** Characters of scripts that separate words without spaces (Script_Extensions, so ー and 々 count too). */
const UNSPACED_RUN =
  /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}\p{scx=Tibetan}]+/gu;

const segmenters = new Map<string, Intl.Segmenter>();

/** One segmenter per locale: building one loads ICU's break rules, so they are reused. */
function segmenterFor(locale: string | undefined): Intl.Segmenter {
  const key = locale ?? "";
  let segmenter = segmenters.get(key);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(locale, { granularity: "word" });
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

/**
 * Every word of `text` by `Intl.Segmenter`: word-like segments are words as they are; the other segments
 * (punctuation, symbols, spaces) go through `rest`, which keeps punctuation as single-character words the way
 * the reference's `\S` alternative does and drops white space.
 */
export function segmentWords(text: string, offset: number, locale: string | undefined, rest: SpanSplitter): Word[] {
  const words: Word[] = [];
  for (const { segment, index, isWordLike } of segmenterFor(locale).segment(text)) {
    const start = offset + index;
    if (isWordLike) words.push({ text: segment, start, end: start + segment.length });
    else words.push(...rest(segment, start));
  }
  return words;
}

/**
 * Mixed scripts: runs of unspaced scripts go to `Intl.Segmenter`, everything between them to `spaced` (the
 * reference's rule), so text in spaced scripts splits exactly as with the whitespace splitter alone.
 */
export function splitMixedScripts(text: string, locale: string | undefined, spaced: SpanSplitter): Word[] {
  const words: Word[] = [];
  let last = 0;
  for (const match of text.matchAll(UNSPACED_RUN)) {
    const start = match.index;
    if (start > last) words.push(...spaced(text.slice(last, start), last));
    words.push(...segmentWords(match[0], start, locale, spaced));
    last = start + match[0].length;
  }
  if (last < text.length) words.push(...spaced(text.slice(last), last));
  return words;
}

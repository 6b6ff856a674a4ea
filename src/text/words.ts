/**
 * ① Text → words, exactly as the reference's `WhitespaceTokenSplitter`:
 * `re.compile(r"\w+(?:[-_]\w+)*|\S")` with Python's Unicode semantics.
 *
 * Python's `\w` is Unicode letters, numbers and `_` (combining marks are NOT word characters), and its
 * `\s` differs from JavaScript's (it includes U+001C–U+001F and U+0085 but not U+FEFF), so neither JS `\w`
 * nor `\S` can be used.
 */

import { segmentWords, splitMixedScripts } from "./segment.js";

/** One word of the input text. `start`/`end` are UTF-16 offsets into the text (`text.slice(start, end) === text`). */
export interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Python's `\w+(?:[-_]\w+)*` (Unicode `\w`), as a RegExp source for the `u` flag. */
export const PYTHON_WORD_SOURCE = String.raw`[\p{L}\p{N}_]+(?:[-_][\p{L}\p{N}_]+)*`;
/** Python's `\S` (not Python whitespace), as a RegExp character class for the `u` flag. */
export const PYTHON_NON_SPACE_SOURCE = String.raw`[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;

const PYTHON_WORD_OR_SYMBOL = new RegExp(`${PYTHON_WORD_SOURCE}|${PYTHON_NON_SPACE_SOURCE}`, "gu");

/** Splits a text into words with the reference's rule. */
export function splitWords(text: string): Word[] {
  return splitWhitespace(text, 0);
}

/** The reference's rule on a stretch of text that starts at `offset` in the whole text. */
function splitWhitespace(text: string, offset: number): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(PYTHON_WORD_OR_SYMBOL)) {
    const start = offset + match.index;
    words.push({ text: match[0], start, end: start + match[0].length });
  }
  return words;
}

/**
 * How texts are cut into words:
 * - `"whitespace"`: the reference's `WhitespaceTokenSplitter` (the default; results as the Python library's);
 * - `"intl"`: `Intl.Segmenter` word boundaries everywhere (punctuation as single-character words);
 * - `"auto"`: the whitespace rule for spaced scripts and `Intl.Segmenter` for runs of Chinese, Japanese, Thai,
 *   Lao, Khmer, Myanmar or Tibetan inside the same text.
 *
 * `"intl"` and `"auto"` take an optional BCP 47 locale for the segmenter after a colon: `"intl:ja"`, `"auto:th"`.
 */
export type WordSplitter = "whitespace" | "intl" | "auto" | `intl:${string}` | `auto:${string}`;

export const WORD_SPLITTERS = ["whitespace", "intl", "auto"] as const;

/** A parsed {@link WordSplitter}. */
export interface WordSplitterSpec {
  readonly kind: (typeof WORD_SPLITTERS)[number];
  readonly locale?: string | undefined;
}

/** Parses `"intl:ja"`-style names; throws a plain Error with the reason (callers wrap it in their error type). */
export function parseWordSplitter(value: string): WordSplitterSpec {
  const colon = value.indexOf(":");
  const kind = colon < 0 ? value : value.slice(0, colon);
  const locale = colon < 0 ? undefined : value.slice(colon + 1);
  if (!(WORD_SPLITTERS as readonly string[]).includes(kind)) {
    throw new Error(`"${value}" is not a word splitter; use "whitespace", "intl" or "auto" (optionally "intl:<locale>", e.g. "intl:ja").`);
  }
  if (locale === undefined) return { kind: kind as WordSplitterSpec["kind"] };
  if (kind === "whitespace") throw new Error(`the whitespace splitter takes no locale ("${value}").`);
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(locale)[0];
  } catch {
    canonical = undefined;
  }
  if (canonical === undefined) throw new Error(`"${locale}" is not a BCP 47 locale (e.g. "ja", "zh-Hant", "th").`);
  return { kind: kind as WordSplitterSpec["kind"], locale: canonical };
}

/** The word function for a splitter. */
export function wordSplitterFor(spec: WordSplitterSpec): (text: string) => Word[] {
  switch (spec.kind) {
    case "whitespace":
      return splitWords;
    case "intl":
      return (text) => segmentWords(text, 0, spec.locale, splitWhitespace);
    case "auto":
      return (text) => splitMixedScripts(text, spec.locale, splitWhitespace);
  }
}

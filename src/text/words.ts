/**
 * ① Text → words, exactly as the reference's `WhitespaceTokenSplitter`:
 * `re.compile(r"\w+(?:[-_]\w+)*|\S")` with Python's Unicode semantics.
 *
 * Python's `\w` is Unicode letters, numbers and `_` (combining marks are NOT word characters), and its
 * `\s` differs from JavaScript's (it includes U+001C–U+001F and U+0085 but not U+FEFF), so neither JS `\w`
 * nor `\S` can be used.
 */

/** One word of the input text. `start`/`end` are UTF-16 offsets into the text (`text.slice(start, end) === text`). */
export interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const PYTHON_WORD_OR_SYMBOL =
  /[\p{L}\p{N}_]+(?:[-_][\p{L}\p{N}_]+)*|[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/gu;

/** Splits a text into words with the reference's rule. */
export function splitWords(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(PYTHON_WORD_OR_SYMBOL)) {
    const start = match.index;
    words.push({ text: match[0], start, end: start + match[0].length });
  }
  return words;
}

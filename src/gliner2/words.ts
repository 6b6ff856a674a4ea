/**
 * ② Text → words for GLiNER2: the reference's `WhitespaceTokenSplitter` (URLs, e-mail addresses and @handles
 * stay one word, then Python's `\w+(?:[-_]\w+)*` and any other non-space character), case-insensitive.
 * Offsets are UTF-16 here; the reference's are code points (see text/offsets.ts for the mapping).
 */
import { segmentWords, splitMixedScripts } from "../text/segment.js";
import { PYTHON_NON_SPACE_SOURCE, PYTHON_WORD_SOURCE, type Word, type WordSplitterSpec } from "../text/words.js";

const NOT_SPACE = PYTHON_NON_SPACE_SOURCE;
const GLINER2_WORD = new RegExp(
  [
    String.raw`(?:https?:\/\/${NOT_SPACE}+|www\.${NOT_SPACE}+)`,
    String.raw`[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`,
    String.raw`@[a-z0-9_]+`,
    PYTHON_WORD_SOURCE,
    NOT_SPACE,
  ].join("|"),
  "giu",
);

/** Words of a text with their offsets, original case. */
export function splitGliner2Words(text: string): Word[] {
  return splitStretch(text, 0);
}

function splitStretch(text: string, offset: number): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(GLINER2_WORD)) {
    const start = offset + match.index;
    words.push({ text: match[0], start, end: start + match[0].length });
  }
  return words;
}

/**
 * The word function for a `wordSplitter`: "whitespace" is the reference's rule above; "intl" and "auto" use
 * `Intl.Segmenter` (everywhere / for unspaced scripts only) with this rule for everything else.
 */
export function gliner2WordSplitter(spec: WordSplitterSpec): (text: string) => Word[] {
  switch (spec.kind) {
    case "whitespace":
      return splitGliner2Words;
    case "intl":
      return (text) => segmentWords(text, 0, spec.locale, splitStretch);
    case "auto":
      return (text) => splitMixedScripts(text, spec.locale, splitStretch);
  }
}

/** The text the reference's processor reads: a final "." unless it ends with . ! or ? ("" becomes "."). */
export function punctuate(text: string): string {
  if (text === "") return ".";
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

const PYTHON_SPACE = PYTHON_NON_SPACE_SOURCE.replace("[^", "[");
const PYTHON_STRIP = new RegExp(`^${PYTHON_SPACE}+|${PYTHON_SPACE}+$`, "gu");

/** Python's `str.strip()` (Python's whitespace, which is not JavaScript's `\s`). */
export function pythonStrip(text: string): string {
  return text.replace(PYTHON_STRIP, "");
}

/**
 * `words_splitter_type` of a model config → the splitter gliner-ts uses. The reference's other splitters are
 * Python packages (jieba, janome, MeCab, spaCy, …) that cannot run here; each maps to the nearest
 * `Intl.Segmenter` setup, and the caller is told once that the words are not the Python library's.
 */
import { GlinerError } from "../errors.js";
import type { WordSplitterSpec } from "../text/words.js";

/** The reference's splitter names and what stands in for each. */
const STAND_INS: Readonly<Record<string, WordSplitterSpec>> = {
  jieba: { kind: "intl", locale: "zh" },
  hanlp: { kind: "intl", locale: "zh" },
  janome: { kind: "intl", locale: "ja" },
  mecab: { kind: "intl", locale: "ko" }, // the reference's MeCab splitter is its Korean one (python-mecab-ko)
  camel: { kind: "intl", locale: "ar" },
  hindi: { kind: "intl", locale: "hi" },
  spacy: { kind: "auto" },
  stanza: { kind: "auto" },
  universal: { kind: "auto" },
};

export interface ConfigSplitter {
  readonly spec: WordSplitterSpec;
  /** Set when the config names a splitter that gliner-ts replaces: the one-time notice to give. */
  readonly notice?: string;
}

export function splitterFromConfig(value: unknown, source: string): ConfigSplitter {
  const name = value ?? "whitespace";
  if (name === "whitespace") return { spec: { kind: "whitespace" } };
  const spec = typeof name === "string" && Object.hasOwn(STAND_INS, name) ? STAND_INS[name] : undefined;
  if (spec === undefined) {
    throw new GlinerError(
      "UNSUPPORTED",
      `${source}: words_splitter_type ${JSON.stringify(name)} is unknown; the reference's splitters are ` +
        `"whitespace", ${Object.keys(STAND_INS).map((k) => `"${k}"`).join(", ")}.`,
    );
  }
  const how = spec.kind === "auto" ? `"auto" (Intl.Segmenter for unspaced scripts)` : `"intl:${spec.locale ?? ""}" (Intl.Segmenter)`;
  return {
    spec,
    notice:
      `gliner-ts: this model was trained with the "${name}" word splitter, a Python package; gliner-ts splits words ` +
      `with ${how} instead, so word boundaries (and some entities) can differ from the Python library's. ` +
      `Pass wordSplitter to choose another.`,
  };
}

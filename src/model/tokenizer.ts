/**
 * The subword tokenizer, over tokenizers.js (`@huggingface/tokenizers`, the Hugging Face tokenizer
 * implementation in pure JS that transformers.js uses). Takes parsed JSON, does no I/O.
 *
 * GLiNER tokenizes every word on its own (`is_split_into_words=True`), so the public operation is
 * {@link WordTokenizer.encodeWord}: a word's ids without special tokens.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { ModelLoadError } from "../errors.js";
import { PrecompiledCharsmap } from "./charsmap.js";

export interface TokenizerFiles {
  /** Parsed tokenizer.json. */
  readonly tokenizer: Record<string, unknown>;
  /** Parsed tokenizer_config.json ({} when absent). */
  readonly tokenizerConfig: Record<string, unknown>;
}

interface NormalizerNode {
  config?: { type?: string; precompiled_charsmap?: string; strip_left?: boolean; strip_right?: boolean };
  normalizers?: NormalizerNode[];
  normalize?: (text: string) => string;
}

const MAX_CACHED_WORDS = 50_000;

export class WordTokenizer {
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  /**
   * `model_max_length` from tokenizer_config.json when it is a real limit (≤ 100k sub-tokens); undefined for
   * GLiNER tokenizers, which declare 1e30 (no limit). Long-text windows and label groups keep within it.
   */
  readonly maxTokens: number | undefined;
  /** Contents of the tokenizer's special added tokens (`[CLS]`, `<<ENT>>`, ...); labels may not contain them. */
  readonly specialTokens: readonly string[];
  /** Ids the tokenizer can produce: one past its highest id (vocabulary and added tokens). */
  readonly idCount: number;
  private readonly tokenizer: Tokenizer;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(files: TokenizerFiles) {
    try {
      this.tokenizer = new Tokenizer(files.tokenizer, files.tokenizerConfig);
    } catch (cause) {
      throw new ModelLoadError(`tokenizer.json could not be read by tokenizers.js: ${String(cause)}`, { cause });
    }
    installExactNormalizers(this.tokenizer.normalizer as unknown as NormalizerNode | null);
    this.clsId = this.specialId(files, "cls_token", "[CLS]");
    this.sepId = this.specialId(files, "sep_token", "[SEP]");
    this.padId = this.specialId(files, "pad_token", "[PAD]");
    const added = Array.isArray(files.tokenizer["added_tokens"]) ? (files.tokenizer["added_tokens"] as { content?: unknown; special?: unknown }[]) : [];
    this.specialTokens = added.filter((t) => t.special === true && typeof t.content === "string" && t.content !== "").map((t) => t.content as string);
    let highest = -1;
    for (const id of this.tokenizer.get_vocab(true).values()) highest = Math.max(highest, id);
    this.idCount = highest + 1;
    const declared = files.tokenizerConfig["model_max_length"];
    this.maxTokens = typeof declared === "number" && declared > 0 && declared <= 100_000 ? Math.floor(declared) : undefined;
  }

  /** Id of a token string (e.g. `<<ENT>>`), or undefined when the vocabulary lacks it. */
  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /** The token string of an id (for debugging and parity checks). */
  tokenOf(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }

  /** Ids of one pre-split word, without [CLS]/[SEP]. Memoised: labels and frequent words repeat a lot. */
  encodeWord(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const ids: readonly number[] = this.tokenizer.encode(word, { add_special_tokens: false }).ids;
    if (this.cache.size >= MAX_CACHED_WORDS) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  private specialId(files: TokenizerFiles, configKey: string, fallback: string): number {
    const configured = files.tokenizerConfig[configKey];
    const token =
      typeof configured === "string"
        ? configured
        : typeof (configured as { content?: unknown } | undefined)?.content === "string"
          ? (configured as { content: string }).content
          : fallback;
    const id = this.tokenizer.token_to_id(token);
    if (id === undefined) {
      throw new ModelLoadError(
        `The tokenizer has no id for its ${configKey} "${token}". Check tokenizer.json and tokenizer_config.json.`,
      );
    }
    return id;
  }
}

/**
 * Replaces two tokenizers.js normalizers that differ from the Rust `tokenizers` crate:
 * - `Precompiled`: tokenizers.js approximates the charsmap with NFKC; we walk the real charsmap.
 * - `Strip`: tokenizers.js uses `String.prototype.trim`, which also strips U+FEFF; Rust strips Unicode
 *   `White_Space` only (so a BOM word gives `▁` in the reference).
 */
function installExactNormalizers(node: NormalizerNode | null): void {
  if (node === null) return;
  for (const child of node.normalizers ?? []) installExactNormalizers(child);
  const config = node.config ?? {};
  if (config.type === "Precompiled" && typeof config.precompiled_charsmap === "string" && config.precompiled_charsmap) {
    const exact = PrecompiledCharsmap.fromBase64(config.precompiled_charsmap);
    node.normalize = (text: string) => exact.normalize(text);
  } else if (config.type === "Strip") {
    const left = config.strip_left === true;
    const right = config.strip_right === true;
    node.normalize = (text: string) => {
      let out = left ? text.replace(LEADING_WHITE_SPACE, "") : text;
      if (right) out = out.replace(TRAILING_WHITE_SPACE, "");
      return out;
    };
  }
}

const LEADING_WHITE_SPACE = /^\p{White_Space}+/u;
const TRAILING_WHITE_SPACE = /\p{White_Space}+$/u;

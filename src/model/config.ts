/**
 * gliner_config.json → {@link ModelConfig}: snake_case becomes camelCase at this boundary, and anything
 * gliner-ts cannot run is refused here with a message, never half-supported.
 */
import { GlinerError, ModelLoadError } from "../errors.js";
import type { WordSplitterSpec } from "../text/words.js";
import { splitterFromConfig } from "./word-splitter.js";

export type ModelMode = "span" | "token";

/**
 * The GLiNER architecture, recognised from gliner_config.json as the reference's `GLiNER._get_gliner_class` does:
 * `relations_layer` first, then `labels_decoder`, then `labels_encoder`; span or token from `span_mode`.
 * An open union: families are added here as gliner-ts learns to run them.
 */
export type ModelFamily =
  | "uni-span" // UniEncoderSpanGLiNER
  | "uni-token" // UniEncoderTokenGLiNER
  | "bi-span" // BiEncoderSpanGLiNER: a separate labels encoder
  | "bi-token" // BiEncoderTokenGLiNER
  | "relex-span" // UniEncoderSpanRelexGLiNER: entities and relations in one pass
  | "relex-token" // UniEncoderTokenRelexGLiNER
  | "decoder-span" // UniEncoderSpanDecoderGLiNER: a generative label decoder (not exportable to ONNX)
  | "decoder-token"; // UniEncoderTokenDecoderGLiNER

/** The families gliner-ts runs; the others are refused with UNSUPPORTED at load. */
const RUNNABLE_FAMILIES: ReadonlySet<ModelFamily> = new Set<ModelFamily>(["uni-span", "uni-token", "bi-span", "bi-token", "relex-span", "relex-token"]);

const DECODER_REFUSAL =
  "GLiNER models with a generative label decoder (labels_decoder) cannot run in gliner-ts: the reference cannot " +
  "export them to ONNX (the decoder generates labels token by token in Python).";
const FAMILY_REFUSALS: Partial<Record<ModelFamily, string>> = { "decoder-span": DECODER_REFUSAL, "decoder-token": DECODER_REFUSAL };

export interface ModelConfig {
  /** The architecture (see {@link ModelFamily}). */
  readonly family: ModelFamily;
  /** "span" for span models (markerV0 and the other span modes), "token" for `token_level`. */
  readonly mode: ModelMode;
  /** The configured `span_mode` string, e.g. "markerV0" or "token_level". */
  readonly spanMode: string;
  /** Widths enumerated by span models (K). */
  readonly maxWidth: number;
  /** Words per pass (`max_len` in gliner_config.json, or the `maxLength` load option); the reference truncates beyond this. */
  readonly maxLength: number;
  readonly entToken: string;
  readonly sepToken: string;
  /** Token id of `entToken` as the config states it (checked against the tokenizer at load); -1 for bi-encoders. */
  readonly classTokenIndex: number;
  readonly modelName: string;
  /** How texts are cut into words by default (from `words_splitter_type`; callers may override per call). */
  readonly wordSplitter: WordSplitterSpec;
  /** Set when `words_splitter_type` names a Python splitter that gliner-ts replaces (given once at load). */
  readonly wordSplitterNotice?: string;
  /**
   * Bi-encoders: the config's `labels_encoder`, the labels encoder's hub id (e.g. "BAAI/bge-small-en-v1.5") or a
   * folder name. Its tokenizer is read from `labels_encoder/` in the model folder, else from that hub repo.
   */
  readonly labelsEncoder?: string;
  /** Relex families: the relation prompt token (`<<REL>>`) and its id as the config states it. */
  readonly relex?: RelexConfig;
  /** Rows of the word-embedding matrix (`vocab_size`, after GLiNER's resize); undefined when not stated. */
  readonly vocabSize?: number | undefined;
}

export interface RelexConfig {
  readonly relToken: string;
  readonly relTokenIndex: number;
}

/** True for the relation-extraction families (their own relation head; see src/relex/). */
export function isRelex(family: ModelFamily): boolean {
  return family === "relex-span" || family === "relex-token";
}

/** The family of a parsed gliner_config.json, in the reference's order of precedence. */
export function modelFamily(config: Readonly<Record<string, unknown>>): ModelFamily {
  const kind = config["span_mode"] === "token_level" ? "token" : "span";
  const set = (key: string) => config[key] !== undefined && config[key] !== null;
  if (set("relations_layer")) return `relex-${kind}`;
  if (set("labels_decoder")) return `decoder-${kind}`;
  if (set("labels_encoder")) return `bi-${kind}`;
  return `uni-${kind}`;
}

/** True for the bi-encoder families (separate labels encoder, no label prompt in the text). */
export function isBiEncoder(family: ModelFamily): boolean {
  return family === "bi-span" || family === "bi-token";
}

export function parseModelConfig(raw: unknown, source = "gliner_config.json"): ModelConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ModelLoadError(`${source} must hold a JSON object.`);
  }
  const c = raw as Record<string, unknown>;
  const family = modelFamily(c);
  if (!RUNNABLE_FAMILIES.has(family)) {
    const refusal = FAMILY_REFUSALS[family] ?? `The GLiNER family "${family}" is not supported yet by gliner-ts.`;
    throw new GlinerError("UNSUPPORTED", `${refusal} (${source}: ${familyKeys(c)}.)`);
  }
  const splitter = splitterFromConfig(c["words_splitter_type"], source);
  if (c["precomputed_prompts_mode"] === true) {
    throw new GlinerError("UNSUPPORTED", `Models with precomputed_prompts_mode are not supported (${source}).`);
  }
  const spanMode = stringField(c, "span_mode", "markerV0", source);
  // Bi-encoders have no label prompt in the text: the reference never resizes their vocabulary (index -1).
  const biEncoder = isBiEncoder(family);
  if (!biEncoder && (c["class_token_index"] === undefined || c["class_token_index"] === null)) {
    throw new ModelLoadError(
      `${source} has no class_token_index. gliner-ts needs a model saved with its tokenizer and resized ` +
        `vocabulary (as every GLiNER ONNX export is); re-export it with GLiNER's export_to_onnx.`,
    );
  }
  const classTokenIndex = intField(c, "class_token_index", -1, source);
  if (classTokenIndex < 0 && !biEncoder) {
    throw new ModelLoadError(`${source}: "class_token_index" is ${classTokenIndex}; it must be the token id of the entity marker (≥ 0).`);
  }
  const maxLength = intField(c, "max_len", 384, source);
  if (maxLength < 2) {
    throw new ModelLoadError(`${source}: "max_len" is ${maxLength}; a pass needs at least 2 words (GLiNER models use 384 to 2048).`);
  }
  const vocabSize = c["vocab_size"] ?? (c["encoder_config"] as { vocab_size?: unknown } | undefined)?.vocab_size;
  // -1 (bi-encoders, never resized) and absent mean "not stated"; anything else must be a real row count.
  if (vocabSize !== undefined && vocabSize !== null && !(typeof vocabSize === "number" && Number.isInteger(vocabSize) && vocabSize >= -1 && vocabSize !== 0)) {
    throw new ModelLoadError(`${source}: "vocab_size" must be a positive integer; got ${JSON.stringify(vocabSize)}.`);
  }
  return {
    family,
    mode: spanMode === "token_level" ? "token" : "span",
    spanMode,
    maxWidth: intField(c, "max_width", 12, source),
    maxLength,
    entToken: stringField(c, "ent_token", "<<ENT>>", source),
    sepToken: stringField(c, "sep_token", "<<SEP>>", source),
    classTokenIndex,
    modelName: stringField(c, "model_name", "", source),
    wordSplitter: splitter.spec,
    ...(splitter.notice === undefined ? {} : { wordSplitterNotice: splitter.notice }),
    ...(biEncoder ? { labelsEncoder: stringField(c, "labels_encoder", "", source) } : {}),
    ...(isRelex(family) ? { relex: relexConfig(c, source) } : {}),
    vocabSize: typeof vocabSize === "number" && vocabSize > 0 ? vocabSize : undefined,
  };
}

function relexConfig(c: Record<string, unknown>, source: string): RelexConfig {
  const relTokenIndex = intField(c, "rel_token_index", -1, source);
  if (relTokenIndex < 0) throw new ModelLoadError(`${source} of a relex model has no rel_token_index (the <<REL>> token id).`);
  return { relToken: stringField(c, "rel_token", "<<REL>>", source), relTokenIndex };
}

function familyKeys(c: Record<string, unknown>): string {
  const keys = ["relations_layer", "labels_decoder", "labels_encoder"].filter((k) => c[k] !== undefined && c[k] !== null);
  const mode = `span_mode "${String(c["span_mode"] ?? "markerV0")}"`;
  return keys.length === 0 ? mode : `${keys.map((k) => `"${k}" is set`).join(", ")}, ${mode}`;
}

function stringField(c: Record<string, unknown>, key: string, fallback: string, source: string): string {
  const value = c[key] ?? fallback;
  if (typeof value !== "string") throw new ModelLoadError(`${source}: "${key}" must be a string.`);
  return value;
}

function intField(c: Record<string, unknown>, key: string, fallback: number, source: string): number {
  const value = c[key] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ModelLoadError(`${source}: "${key}" must be an integer; got ${JSON.stringify(value)}.`);
  }
  if (key !== "class_token_index" && key !== "rel_token_index" && value <= 0) throw new ModelLoadError(`${source}: "${key}" must be positive; got ${value}.`);
  return value;
}

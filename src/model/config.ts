/**
 * gliner_config.json → {@link ModelConfig}: snake_case becomes camelCase at this boundary, and anything
 * gliner-ts cannot run is refused here with a message, never half-supported.
 */
import { GlinerError, ModelLoadError } from "../errors.js";

export type ModelMode = "span" | "token";

export interface ModelConfig {
  /** "span" for span models (markerV0 and the other span modes), "token" for `token_level`. */
  readonly mode: ModelMode;
  /** The configured `span_mode` string, e.g. "markerV0" or "token_level". */
  readonly spanMode: string;
  /** Widths enumerated by span models (K). */
  readonly maxWidth: number;
  /** Words per pass; the reference truncates beyond this. */
  readonly maxLen: number;
  readonly entToken: string;
  readonly sepToken: string;
  /** Token id of `entToken` as the config states it (checked against the tokenizer at load). */
  readonly classTokenIndex: number;
  readonly modelName: string;
}

const UNSUPPORTED_KEYS: ReadonlyArray<[key: string, what: string]> = [
  ["labels_encoder", "bi-encoder GLiNER models (labels_encoder)"],
  ["labels_decoder", "GLiNER models with a generative label decoder (labels_decoder)"],
  ["relations_layer", "GLiNER-relex models (relations_layer)"],
];

export function parseModelConfig(raw: unknown, source = "gliner_config.json"): ModelConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ModelLoadError(`${source} must hold a JSON object.`);
  }
  const c = raw as Record<string, unknown>;
  for (const [key, what] of UNSUPPORTED_KEYS) {
    if (c[key] !== undefined && c[key] !== null) {
      throw new GlinerError("UNSUPPORTED", `${what} are not supported yet by gliner-ts (${source} sets "${key}").`);
    }
  }
  const splitter = c["words_splitter_type"] ?? "whitespace";
  if (splitter !== "whitespace") {
    throw new GlinerError(
      "UNSUPPORTED",
      `words_splitter_type "${String(splitter)}" is not supported; gliner-ts implements the reference's "whitespace" splitter.`,
    );
  }
  if (c["precomputed_prompts_mode"] === true) {
    throw new GlinerError("UNSUPPORTED", `Models with precomputed_prompts_mode are not supported (${source}).`);
  }
  const spanMode = stringField(c, "span_mode", "markerV0", source);
  const classTokenIndex = intField(c, "class_token_index", -1, source);
  if (classTokenIndex < 0) {
    throw new ModelLoadError(
      `${source} has no class_token_index. gliner-ts needs a model saved with its tokenizer and resized ` +
        `vocabulary (as every GLiNER ONNX export is); re-export it with GLiNER's export_to_onnx.`,
    );
  }
  return {
    mode: spanMode === "token_level" ? "token" : "span",
    spanMode,
    maxWidth: intField(c, "max_width", 12, source),
    maxLen: intField(c, "max_len", 384, source),
    entToken: stringField(c, "ent_token", "<<ENT>>", source),
    sepToken: stringField(c, "sep_token", "<<SEP>>", source),
    classTokenIndex,
    modelName: stringField(c, "model_name", "", source),
  };
}

function stringField(c: Record<string, unknown>, key: string, fallback: string, source: string): string {
  const value = c[key] ?? fallback;
  if (typeof value !== "string") throw new ModelLoadError(`${source}: "${key}" must be a string.`);
  return value;
}

function intField(c: Record<string, unknown>, key: string, fallback: number, source: string): number {
  const value = c[key] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ModelLoadError(`${source}: "${key}" must be an integer.`);
  }
  if (key !== "class_token_index" && value <= 0) throw new ModelLoadError(`${source}: "${key}" must be positive.`);
  return value;
}

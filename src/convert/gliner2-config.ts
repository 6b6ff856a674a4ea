/**
 * Reads a GLiNER2 checkpoint's `config.json` (GLiNER2's ExtractorConfig) and `encoder_config/config.json` into
 * what the GLiNER2 graph builder needs. Every key of the published configs is known: keys that change the
 * network are checked, keys that do not are ignored, and any other key is refused by name — an unknown key may
 * change the architecture, and a silently wrong graph is worse than a clear error.
 */
import { GlinerError, ModelLoadError } from "../errors.js";
import { knownBackbone, parseEncoder, type DebertaSettings } from "./config.js";

export type CountingLayer = "count_lstm" | "count_lstm_v2" | "count_lstm_moe";

export interface Gliner2Settings {
  maxWidth: number;
  countingLayer: CountingLayer;
  encoder: DebertaSettings;
}

/** A config key (or value) the GLiNER2 converter does not implement; `key` names it, dotted for nested keys. */
export class UnsupportedConfigError extends GlinerError {
  override name = "UnsupportedConfigError";
  readonly key: string;
  constructor(key: string, message: string) {
    super("UNSUPPORTED", `${message} The GLiNER2 converter supports the span architecture (fastino/gliner2-*-v1): see docs/convert.md.`);
    this.key = key;
  }
}

/** Keys PretrainedConfig / ExtractorConfig save that do not change the neural network. */
const IGNORED_KEYS = new Set([
  "transformers_version",
  "_attn_implementation_autoset",
  "_name_or_path",
  "architectures",
  "attn_implementation", // sdpa / eager / flash: the same math
  "architecture_version",
  "config_version",
  "max_len", // word truncation: a runtime setting, not part of the graph
  "torch_dtype",
  "dtype",
]);
/** Keys read below. */
const READ_KEYS = new Set(["model_type", "architecture", "model_name", "counting_layer", "token_pooling", "max_width", "span_head"]);
const SPAN_HEAD_KEYS = new Set(["max_width", "span_mode", "dropout"]);
const COUNTING_LAYERS: readonly CountingLayer[] = ["count_lstm", "count_lstm_v2", "count_lstm_moe"];

type Json = Record<string, unknown>;

/** True when a folder's config.json is a GLiNER2 ExtractorConfig (as opposed to a GLiNER gliner_config.json). */
export function isGliner2Config(config: Json): boolean {
  return config.model_type === "extractor" || (Array.isArray(config.architectures) && config.architectures.includes("GLiNER2"));
}

export function parseGliner2Settings(config: Json, encoderConfig: Json | undefined): Gliner2Settings {
  for (const key of Object.keys(config)) {
    if (!IGNORED_KEYS.has(key) && !READ_KEYS.has(key)) {
      throw new UnsupportedConfigError(key, `config.json has the key "${key}", which the GLiNER2 converter does not know.`);
    }
  }
  if (config.model_type !== undefined && config.model_type !== "extractor") {
    throw new UnsupportedConfigError("model_type", `config.json has model_type ${JSON.stringify(config.model_type)}; GLiNER2 checkpoints have "extractor".`);
  }
  const architecture = String(config.architecture ?? "span").trim().toLowerCase();
  if (architecture !== "span") {
    throw new UnsupportedConfigError("architecture", `config.json has architecture "${architecture}"; only "span" (GLiNER2 v1 models) is implemented.`);
  }
  const pooling = config.token_pooling ?? "first";
  if (pooling !== "first") {
    throw new UnsupportedConfigError("token_pooling", `config.json has token_pooling ${JSON.stringify(pooling)}; only "first" is implemented.`);
  }
  // ExtractorConfig defaults a missing counting_layer to count_lstm.
  const counting = config.counting_layer ?? "count_lstm";
  if (!COUNTING_LAYERS.includes(counting as CountingLayer)) {
    throw new UnsupportedConfigError("counting_layer", `config.json has counting_layer ${JSON.stringify(counting)}; expected one of ${COUNTING_LAYERS.join(", ")}.`);
  }
  return {
    maxWidth: maxWidthOf(config),
    countingLayer: counting as CountingLayer,
    encoder: parseEncoder(encoderConfig ?? backboneDefaults(config)),
  };
}

/** `span_head.max_width` wins over the legacy top-level `max_width` (ExtractorConfig's migration rule); default 8. */
function maxWidthOf(config: Json): number {
  const head = config.span_head;
  let width: unknown = config.max_width ?? 8;
  if (head !== undefined && head !== null) {
    if (typeof head !== "object" || Array.isArray(head)) throw new ModelLoadError(`config.json: span_head must be an object, got ${JSON.stringify(head)}.`);
    for (const [key, value] of Object.entries(head as Json)) {
      if (!SPAN_HEAD_KEYS.has(key)) throw new UnsupportedConfigError(`span_head.${key}`, `config.json has the key "span_head.${key}", which the GLiNER2 converter does not know.`);
      if (key === "span_mode" && value !== "markerV0") {
        throw new UnsupportedConfigError("span_head.span_mode", `config.json has span_head.span_mode ${JSON.stringify(value)}; only "markerV0" is implemented.`);
      }
    }
    width = (head as Json).max_width ?? width;
  }
  if (typeof width !== "number" || !Number.isInteger(width) || width <= 0) {
    throw new ModelLoadError(`config.json: max_width must be a positive integer, got ${JSON.stringify(width)}.`);
  }
  return width;
}

/** Checkpoints without encoder_config/config.json: the backbone named by model_name, when it is a known one. */
function backboneDefaults(config: Json): Json {
  const name = String(config.model_name ?? "");
  const known = knownBackbone(name);
  if (known) return known;
  throw new ModelLoadError(
    `The GLiNER2 checkpoint has no encoder_config/config.json and its backbone "${name}" is not one the converter knows. ` +
      `Add the backbone's config.json as encoder_config/config.json, or pass it as the encoderConfig option.`,
  );
}

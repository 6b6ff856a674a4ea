/**
 * Reads `gliner_config.json` (and its embedded `encoder_config`) into the settings the graph builder needs,
 * refusing configurations the converter does not implement with a clear `UNSUPPORTED` error.
 */
import { GlinerError, ModelLoadError } from "../errors.js";
import { parseModernBert, type ModernBertSettings } from "./modernbert.js";
import type { RelationsLayer } from "./relex-heads.js";

/** The sizes and activation every transformer encoder the converter builds has. */
export interface EncoderShape {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  headSize: number;
  intermediateSize: number;
  hiddenAct: string;
}

export interface DebertaSettings extends EncoderShape {
  layerNormEps: number;
  relativeAttention: boolean;
  positionBuckets: number;
  /** max_relative_positions after the "< 1 → max_position_embeddings" rule. */
  maxRelativePositions: number;
  posAttType: string[];
  shareAttKey: boolean;
  normRelEbdLayerNorm: boolean;
  positionBiasedInput: boolean;
  typeVocabSize: number;
  embeddingSize: number;
}

/** The text encoders the converter builds: DeBERTa-v2/v3 (every family) or ModernBERT (bi-encoders, v2.0). */
export type TextEncoderSettings = DebertaSettings | ModernBertSettings;

export function isModernBert(s: TextEncoderSettings): s is ModernBertSettings {
  return "architecture" in s && s.architecture === "modernbert";
}

/** A bi-encoder's text encoder config → settings: ModernBERT by model_type, else DeBERTa (refusing the rest). */
export function parseTextEncoder(enc: Json): TextEncoderSettings {
  return enc.model_type === "modernbert" ? parseModernBert(enc) : parseEncoder(enc);
}

export interface GlinerSettings {
  spanMode: "markerV0" | "token_level";
  maxWidth: number;
  hiddenSize: number;
  classTokenIndex: number;
  embedEntToken: boolean;
  encoder: DebertaSettings;
  /** GLiNER-relex models (`relations_layer` set): the relation head. */
  relex?: RelexSettings;
}

export interface RelexSettings {
  relationsLayer: RelationsLayer;
  /** Token id of `<<REL>>`. */
  relTokenIndex: number;
  embedRelToken: boolean;
}

/** deberta-v3 backbones GLiNER models are built on, for configs saved without `encoder_config`. */
const KNOWN_BACKBONES: Record<string, { hidden_size: number; num_hidden_layers: number; num_attention_heads: number; intermediate_size: number }> = {
  "microsoft/deberta-v3-xsmall": { hidden_size: 384, num_hidden_layers: 12, num_attention_heads: 6, intermediate_size: 1536 },
  "microsoft/deberta-v3-small": { hidden_size: 768, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 3072 },
  "microsoft/deberta-v3-base": { hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072 },
  "microsoft/deberta-v3-large": { hidden_size: 1024, num_hidden_layers: 24, num_attention_heads: 16, intermediate_size: 4096 },
  "microsoft/mdeberta-v3-base": { hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072 },
};

const DEBERTA_V3_DEFAULTS = {
  model_type: "deberta-v2",
  hidden_act: "gelu",
  layer_norm_eps: 1e-7,
  relative_attention: true,
  position_buckets: 256,
  max_relative_positions: -1,
  max_position_embeddings: 512,
  pos_att_type: ["p2c", "c2p"],
  share_att_key: true,
  norm_rel_ebd: "layer_norm",
  position_biased_input: false,
  type_vocab_size: 0,
};

/** The config.json of a built-in deberta-v3 backbone (GLiNER and GLiNER2 configs name it in `model_name`). */
export function knownBackbone(name: string): Json | undefined {
  const known = KNOWN_BACKBONES[name];
  return known ? { ...DEBERTA_V3_DEFAULTS, ...known } : undefined;
}

function unsupported(message: string): GlinerError {
  return new GlinerError("UNSUPPORTED", `${message} The converter supports uni-encoder, relex and bi-encoder GLiNER models (span_mode markerV0 or token_level) on a DeBERTa-v2/v3 text encoder (bi-encoders: DeBERTa or ModernBERT text encoder, BERT labels encoder); see docs/convert.md.`);
}

type Json = Record<string, unknown>;

export function parseSettings(config: Json, encoderOverride?: Json): GlinerSettings {
  const spanMode = config.span_mode ?? "markerV0";
  if (spanMode !== "markerV0" && spanMode !== "token_level") {
    throw unsupported(`gliner_config.json has span_mode "${String(spanMode)}".`);
  }
  for (const key of ["labels_encoder", "labels_decoder"]) {
    if (config[key] !== undefined && config[key] !== null) throw unsupported(`gliner_config.json sets ${key} (bi-encoder / decoder models).`);
  }
  if (config.fuse_layers === true) throw unsupported("gliner_config.json sets fuse_layers: true (LayersFuser).");
  if (config.precomputed_prompts_mode === true) throw unsupported("gliner_config.json uses precomputed prompts.");
  const classTokenIndex = config.class_token_index;
  if (typeof classTokenIndex !== "number" || classTokenIndex < 0) {
    throw new ModelLoadError("gliner_config.json has no class_token_index (the <<ENT>> token id); this checkpoint predates saved token ids and cannot be converted as is.");
  }
  const hiddenSize = num(config.hidden_size ?? 512, "hidden_size");
  return {
    spanMode,
    maxWidth: num(config.max_width ?? 12, "max_width"),
    hiddenSize,
    classTokenIndex,
    embedEntToken: config.embed_ent_token !== false,
    encoder: parseEncoder(encoderOverride ?? encoderConfigOf(config)),
    ...(config.relations_layer === undefined || config.relations_layer === null ? {} : { relex: parseRelex(config) }),
  };
}

const RELATIONS_LAYERS: readonly string[] = ["dot", "mlp", "none"];

function parseRelex(config: Json): RelexSettings {
  const layer = String(config.relations_layer).toLowerCase();
  if (!RELATIONS_LAYERS.includes(layer)) {
    throw unsupported(`gliner_config.json has relations_layer "${layer}" (the converter builds "dot", "mlp" and "none").`);
  }
  if (config.triples_layer !== undefined && config.triples_layer !== null) {
    throw unsupported(`gliner_config.json sets triples_layer "${String(config.triples_layer)}" (the converter builds the pair_rep_layer head).`);
  }
  const relTokenIndex = config.rel_token_index;
  if (typeof relTokenIndex !== "number" || relTokenIndex < 0) {
    throw new ModelLoadError("gliner_config.json of a relex model has no rel_token_index (the <<REL>> token id).");
  }
  return { relationsLayer: layer as RelationsLayer, relTokenIndex, embedRelToken: config.embed_rel_token !== false };
}

export function encoderConfigOf(config: Json): Json {
  const embedded = config.encoder_config;
  if (embedded && typeof embedded === "object") return embedded as Json;
  const name = String(config.model_name ?? "");
  const known = knownBackbone(name);
  if (known) return known;
  throw new ModelLoadError(
    `gliner_config.json has no encoder_config and its backbone "${name}" is not one the converter knows. ` +
      `Pass the backbone's config.json as the encoderConfig option.`,
  );
}

function num(value: unknown, key: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ModelLoadError(`gliner_config.json: ${key} must be a number, got ${JSON.stringify(value)}.`);
  return value;
}

export function parseEncoder(enc: Json): DebertaSettings {
  const modelType = enc.model_type ?? "deberta-v2";
  if (modelType !== "deberta-v2") {
    const where = modelType === "modernbert" ? " (ModernBERT is built for bi-encoders only)" : "";
    throw unsupported(`The backbone is "${String(modelType)}"${where}.`);
  }
  if (typeof enc.conv_kernel_size === "number" && enc.conv_kernel_size > 0) throw unsupported("The DeBERTa-v2 backbone has a conv layer (conv_kernel_size).");
  const hiddenSize = num(enc.hidden_size, "encoder_config.hidden_size");
  const numHeads = num(enc.num_attention_heads, "encoder_config.num_attention_heads");
  const headSize = typeof enc.attention_head_size === "number" ? enc.attention_head_size : hiddenSize / numHeads;
  if (!Number.isInteger(headSize)) throw new ModelLoadError("encoder_config: hidden_size is not a multiple of num_attention_heads.");
  const maxPos = num(enc.max_position_embeddings ?? 512, "encoder_config.max_position_embeddings");
  let maxRel = typeof enc.max_relative_positions === "number" ? enc.max_relative_positions : -1;
  if (maxRel < 1) maxRel = maxPos;
  const posAtt = enc.pos_att_type;
  const posAttType = (Array.isArray(posAtt) ? posAtt.map(String) : typeof posAtt === "string" ? posAtt.toLowerCase().split("|") : []).map((s) => s.trim());
  for (const p of posAttType) if (p !== "p2c" && p !== "c2p") throw unsupported(`encoder_config.pos_att_type has "${p}".`);
  const norm = String(enc.norm_rel_ebd ?? "none").toLowerCase().split("|").map((s) => s.trim());
  const act = String(enc.hidden_act ?? "gelu");
  if (!["gelu", "relu", "gelu_new", "gelu_pytorch_tanh"].includes(act)) throw unsupported(`encoder_config.hidden_act is "${act}".`);
  return {
    hiddenSize,
    numLayers: num(enc.num_hidden_layers, "encoder_config.num_hidden_layers"),
    numHeads,
    headSize,
    intermediateSize: num(enc.intermediate_size, "encoder_config.intermediate_size"),
    hiddenAct: act,
    layerNormEps: typeof enc.layer_norm_eps === "number" ? enc.layer_norm_eps : 1e-7,
    relativeAttention: enc.relative_attention === true,
    positionBuckets: typeof enc.position_buckets === "number" ? enc.position_buckets : -1,
    maxRelativePositions: maxRel,
    posAttType,
    shareAttKey: enc.share_att_key === true,
    normRelEbdLayerNorm: norm.includes("layer_norm"),
    positionBiasedInput: enc.position_biased_input !== false,
    typeVocabSize: typeof enc.type_vocab_size === "number" ? enc.type_vocab_size : 0,
    embeddingSize: typeof enc.embedding_size === "number" ? enc.embedding_size : hiddenSize,
  };
}

/**
 * Bi-encoder checkpoints (BiEncoderSpanGLiNER / BiEncoderTokenGLiNER: `labels_encoder` set) → the three ONNX files
 * of the reference's signatures, which src/model/load-labels.ts reads:
 * - onnx/model.onnx: text inputs + labels_input_ids / labels_attention_mask [C, T] (the labels encoder inside);
 * - onnx/model_labels_embeddings.onnx: text inputs + labels_embeddings [C, D] (precomputed, cacheable);
 * - onnx/labels_encoder.onnx: input_ids / attention_mask [C, T] → labels_embeddings [C, D].
 * Text side: DeBERTa or ModernBERT (v2.0) → projection → word vectors (bi-encoders never run their LSTM); labels: BERT → labels_projection
 * → mean over the attention mask; then the markerV0 span head (labels through prompt_rep_layer) or the token scorer.
 */
import { join, resolve } from "node:path";
import { GlinerError } from "../errors.js";
import { buildBert, meanPool, parseBert, type BertSettings } from "./bert.js";
import { encoderConfigOf, isModernBert, parseTextEncoder, type TextEncoderSettings } from "./config.js";
import { checkOptions, type ConvertOptions, type ConvertResult, encodeText, exists, openCheckpoint, readConfig, subWeights, textInputs, writeConverted } from "./convert.js";
import { extractWords, spanLogits, tokenLogits } from "./gliner-heads.js";
import { linear } from "./layers.js";
import { MODERNBERT_ANCHOR } from "./modernbert.js";
import { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { WeightStore } from "./weights.js";

export interface BiEncoderSettings {
  spanMode: "markerV0" | "token_level";
  maxWidth: number;
  hiddenSize: number;
  encoder: TextEncoderSettings;
  labelsEncoder: BertSettings;
}

/** The labels-as-tokens graph, the precomputed-embeddings graph and the labels encoder, by file name. */
export const BI_ENCODER_FILES = { tokens: "model.onnx", embeddings: "model_labels_embeddings.onnx", labels: "labels_encoder.onnx" } as const;

const LABELS_PREFIX = "token_rep_layer.labels_encoder.model.";
const COPIED = [
  "gliner_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
  "labels_encoder/tokenizer.json", "labels_encoder/tokenizer_config.json", "labels_encoder/special_tokens_map.json",
  "labels_encoder/vocab.txt", "labels_encoder/config.json",
];

export function parseBiEncoderSettings(config: Record<string, unknown>, encoderOverride: Record<string, unknown> | undefined, labelsConfig: Record<string, unknown>): BiEncoderSettings {
  const spanMode = config["span_mode"] ?? "markerV0";
  if (spanMode !== "markerV0" && spanMode !== "token_level") throw unsupported(`span_mode "${String(spanMode)}"`);
  if (config["fuse_layers"] === true) throw unsupported("fuse_layers: true (LayersFuser)");
  if (typeof config["post_fusion_schema"] === "string" && config["post_fusion_schema"] !== "") throw unsupported(`post_fusion_schema "${config["post_fusion_schema"]}" (cross-fusion layers)`);
  const number = (key: string, fallback: number): number => (typeof config[key] === "number" ? (config[key] as number) : fallback);
  return {
    spanMode,
    maxWidth: number("max_width", 12),
    hiddenSize: number("hidden_size", 512),
    encoder: parseTextEncoder(encoderOverride ?? encoderConfigOf(config)),
    labelsEncoder: parseBert(labelsConfig, "the labels encoder's config"),
  };
}

export async function convertBiEncoderCheckpoint(sourceFolder: string, outFolder: string, config: Record<string, unknown>, options: ConvertOptions = {}): Promise<ConvertResult> {
  const dtype = checkOptions(options);
  const source = resolve(sourceFolder);
  const out = resolve(outFolder);
  const settings = parseBiEncoderSettings(config, options.encoderConfig, await labelsEncoderConfig(source, config));
  const checkpoint = await openCheckpoint(source, options.weights);
  try {
    const store = isModernBert(settings.encoder) ? new WeightStore(checkpoint, MODERNBERT_ANCHOR, "a GLiNER bi-encoder checkpoint with a ModernBERT text encoder") : new WeightStore(checkpoint);
    const metadata = { span_mode: settings.spanMode, family: "bi-encoder" };
    const target = { source, out, dtype, externalData: options.externalData, metadata, copied: [] as string[] };
    // The labels encoder is small and, with the label cache, rarely runs: it stays float32 whatever the dtype.
    const labels = await writeConverted(buildLabelsEncoderGraph(settings, store, "fp32"), checkpoint, store, { ...target, dtype: "fp32", file: BI_ENCODER_FILES.labels });
    const suffix = dtype === "fp32" ? "" : dtype === "fp16" ? "_fp16" : "_quantized";
    const embeddings = await writeConverted(buildBiEncoderGraph(settings, store, dtype, "embeddings"), checkpoint, store, {
      ...target,
      file: BI_ENCODER_FILES.embeddings.replace(".onnx", `${suffix}.onnx`),
    });
    const main = await writeConverted(buildBiEncoderGraph(settings, store, dtype, "tokens"), checkpoint, store, {
      ...target,
      copied: COPIED,
      file: BI_ENCODER_FILES.tokens.replace(".onnx", `${suffix}.onnx`),
    });
    return { ...main, files: [...labels.files, ...embeddings.files, ...main.files], unusedTensors: store.unused() };
  } finally {
    await checkpoint.close();
  }
}

/** `labels_embeddings` [C, D] of labels_input_ids / labels_attention_mask [C, T]. */
function encodeLabels(g: GraphBuilder, s: BiEncoderSettings, store: WeightStore, ids: string, mask: string): string {
  let hidden = buildBert(g, s.labelsEncoder, subWeights(store, LABELS_PREFIX), ids, mask);
  if (store.has("token_rep_layer.labels_projection.weight")) {
    const weight = store.entry("token_rep_layer.labels_projection.weight", [s.hiddenSize, s.labelsEncoder.hiddenSize]);
    hidden = linear(g, hidden, weight, store.entry("token_rep_layer.labels_projection.bias"), "labels_projection");
  } else if (s.labelsEncoder.hiddenSize !== s.hiddenSize) {
    throw new GlinerError("UNSUPPORTED", `The labels encoder outputs ${s.labelsEncoder.hiddenSize} values but hidden_size is ${s.hiddenSize}, and the checkpoint has no labels_projection.`);
  }
  return meanPool(g, hidden, mask);
}

export function buildLabelsEncoderGraph(s: BiEncoderSettings, store: WeightStore, dtype: "fp32"): GraphBuilder {
  const g = new GraphBuilder(dtype);
  const ids = g.input("input_ids", DataType.INT64, ["num_labels", "label_seq_length"]);
  const mask = g.input("attention_mask", DataType.INT64, ["num_labels", "label_seq_length"]);
  g.rename(encodeLabels(g, s, store, ids, mask), "labels_embeddings");
  g.output("labels_embeddings", DataType.FLOAT, ["num_labels", s.hiddenSize]);
  return g;
}

export function buildBiEncoderGraph(s: BiEncoderSettings, store: WeightStore, dtype: GraphBuilder["dtype"], labelsInput: "tokens" | "embeddings"): GraphBuilder {
  const g = new GraphBuilder(dtype);
  const I64 = DataType.INT64;
  const span = s.spanMode !== "token_level";
  const { inputIds, attentionMask, wordsMask, textLengths, spanIdx, spanMask } = textInputs(g, span);
  const labels =
    labelsInput === "embeddings"
      ? g.input("labels_embeddings", DataType.FLOAT, ["num_labels", "hidden_size"])
      : encodeLabels(g, s, store, g.input("labels_input_ids", I64, ["num_labels", "label_seq_length"]), g.input("labels_attention_mask", I64, ["num_labels", "label_seq_length"]));

  const D = s.hiddenSize;
  const tokens = encodeText(g, s, store, inputIds, attentionMask);
  const words = extractWords(g, tokens, wordsMask, textLengths, D);
  // The same [C, D] labels for every text: [B, C, D].
  const batch = g.op1("Slice", [g.op1("Shape", [inputIds], {}, "labels"), g.i64([0]), g.i64([1])], {}, "labels");
  const prompts = g.op1("Expand", [g.op1("Unsqueeze", [labels, g.i64([0])], {}, "labels"), g.op1("Concat", [batch, g.i64([1, 1])], { axis: { i: 0 } }, "labels")], {}, "labels");
  const root = subWeights(store, "");
  const logits = span ? spanLogits(g, root, words, prompts, spanIdx, spanMask, s.maxWidth) : tokenLogits(g, root, words, prompts, D);
  g.rename(logits, "logits");
  g.output("logits", DataType.FLOAT, span ? ["batch_size", "sequence_length", "num_spans", "num_classes"] : ["batch_size", "sequence_length", "num_classes", 3]);
  return g;
}

/** The labels encoder's BertConfig: embedded in gliner_config.json by save_pretrained, else labels_encoder/config.json. */
async function labelsEncoderConfig(source: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const embedded = config["labels_encoder_config"];
  if (embedded !== null && typeof embedded === "object" && !Array.isArray(embedded)) return embedded as Record<string, unknown>;
  if (await exists(join(source, "labels_encoder", "config.json"))) return readConfig(source, join("labels_encoder", "config.json"));
  throw new GlinerError(
    "UNSUPPORTED",
    `gliner_config.json has no labels_encoder_config and ${join(source, "labels_encoder", "config.json")} does not exist; ` +
      `put the labels encoder's config.json (e.g. from ${String(config["labels_encoder"])}) there.`,
  );
}

function unsupported(what: string): GlinerError {
  return new GlinerError("UNSUPPORTED", `The bi-encoder converter does not build ${what}; see docs/convert.md.`);
}

/**
 * `convertCheckpoint`: GLiNER checkpoint folder (gliner_config.json + model.safetensors or pytorch_model.bin +
 * tokenizer files) → a folder the GLiNER ONNX loader reads (same files + onnx/model*.onnx). A GLiNER2 folder
 * (config.json of model_type "extractor" + encoder_config/) goes to gliner2.ts.
 */
import { copyFile, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { InvalidInputError, ModelLoadError } from "../errors.js";
import { isModernBert, parseSettings, type GlinerSettings, type TextEncoderSettings } from "./config.js";
import { buildDeberta, type Weights } from "./deberta.js";
import { extractPrompts, extractWords, markerSpanRep, promptRep, spanLogits, spanLogitsOf, spanScores, tokenLogits } from "./gliner-heads.js";
import { linear } from "./layers.js";
import { buildLstm, lstmLayers } from "./lstm.js";
import { buildModernBert } from "./modernbert.js";
import { GraphBuilder, type WeightDType } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { writeModel } from "./onnx-writer.js";
import { relationHead, selectSpans, selectTokenSpans } from "./relex-heads.js";
import { readSafetensors } from "./safetensors.js";
import { readTorchCheckpoint } from "./torch-checkpoint.js";
import { WeightStore, type Checkpoint } from "./weights.js";

export type ConvertDType = WeightDType;

export interface ConvertOptions {
  /** Weight storage of the ONNX file (default "fp32"). */
  dtype?: ConvertDType;
  /** Which weight file to read (default: model.safetensors when present, else pytorch_model.bin). */
  weights?: "safetensors" | "pytorch";
  /** Backbone config to use when gliner_config.json has no `encoder_config` (the backbone's config.json). */
  encoderConfig?: Record<string, unknown>;
  /** Write weights as ONNX external data (`<model>.onnx_data`); default only above the 2 GB protobuf limit. */
  externalData?: boolean;
}

export interface ConvertResult {
  /** Absolute path of the written ONNX file. */
  modelPath: string;
  /** Files written to the output folder, relative to it. */
  files: string[];
  /** The weight file that was read. */
  weightsFile: string;
  dtype: ConvertDType;
  /** Checkpoint tensors the graph did not need (training-only modules), for information. */
  unusedTensors: string[];
}

/** ONNX file name the loader expects for each dtype. */
export const ONNX_FILE: Record<ConvertDType, string> = {
  fp32: "model.onnx",
  fp16: "model_fp16.onnx",
  q8: "model_quantized.onnx",
  int8: "model_int8.onnx",
  uint8: "model_uint8.onnx",
};

const COPIED_FILES = ["gliner_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];
const OPSET = 19;
/** Written to the metadata of relex graphs; the loader refuses relex ONNX files without it (the reference's export). */
export const RELEX_GRAPH_VERSION = "1";
const VERSION = "0.1.0";

export async function convertCheckpoint(sourceFolder: string, outFolder: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const dtype = checkOptions(options);
  const source = resolve(sourceFolder);
  if (!(await exists(join(source, "gliner_config.json"))) && (await exists(join(source, "config.json")))) {
    const { convertGliner2Checkpoint } = await import("./gliner2.js");
    return convertGliner2Checkpoint(source, outFolder, options);
  }
  const config = await readConfig(source);
  if (config["labels_encoder"] !== undefined && config["labels_encoder"] !== null && (config["labels_decoder"] ?? null) === null && (config["relations_layer"] ?? null) === null) {
    const { convertBiEncoderCheckpoint } = await import("./bi-encoder.js");
    return convertBiEncoderCheckpoint(source, outFolder, config, options);
  }
  const settings = parseSettings(config, options.encoderConfig);
  const checkpoint = await openCheckpoint(source, options.weights);
  try {
    const store = new WeightStore(checkpoint);
    const graph = buildGraph(settings, store, dtype);
    const metadata = {
      span_mode: settings.spanMode,
      ...(settings.relex ? { relex_graph: RELEX_GRAPH_VERSION, relations_layer: settings.relex.relationsLayer } : {}),
    };
    return await writeConverted(graph, checkpoint, store, { source, out: resolve(outFolder), dtype, copied: COPIED_FILES, externalData: options.externalData, metadata });
  } finally {
    await checkpoint.close();
  }
}

/** Validates dtype / weights and returns the dtype. */
export function checkOptions(options: ConvertOptions): ConvertDType {
  const dtype = options.dtype ?? "fp32";
  if (!(dtype in ONNX_FILE)) throw new InvalidInputError("dtype", `dtype must be one of ${Object.keys(ONNX_FILE).join(", ")}; got ${JSON.stringify(dtype)}.`);
  if (options.weights !== undefined && options.weights !== "safetensors" && options.weights !== "pytorch") {
    throw new InvalidInputError("weights", `weights must be "safetensors" or "pytorch", got ${JSON.stringify(options.weights)}.`);
  }
  return dtype;
}

interface WriteTarget {
  source: string;
  out: string;
  dtype: ConvertDType;
  /** Files copied from the source folder when they exist (paths relative to it). */
  copied: readonly string[];
  externalData: boolean | undefined;
  metadata: Record<string, string>;
  /** ONNX file name under onnx/ (default: the dtype's, {@link ONNX_FILE}). */
  file?: string;
}

/**
 * Streams the graph to `out/onnx/<file>` (through `<file>.partial`, renamed when complete) and copies the
 * config / tokenizer files next to it.
 */
export async function writeConverted(graph: GraphBuilder, checkpoint: Checkpoint, store: WeightStore, t: WriteTarget): Promise<ConvertResult> {
  await mkdir(join(t.out, "onnx"), { recursive: true });
  const file = t.file ?? ONNX_FILE[t.dtype];
  const modelPath = join(t.out, "onnx", file);
  const tmp = `${modelPath}.partial`;
  try {
    const written = await writeModel(tmp, graph, {
      opset: OPSET,
      producerVersion: VERSION,
      externalData: t.externalData,
      dataLocation: `${file}_data`,
      metadata: { source_weights: checkpoint.file, dtype: t.dtype, ...t.metadata },
    });
    if (written.externalData) await rename(`${tmp}_data`, `${modelPath}_data`);
    await rename(tmp, modelPath);
  } catch (error) {
    await rm(tmp, { force: true });
    await rm(`${tmp}_data`, { force: true });
    throw error;
  }
  const files = [`onnx/${file}`];
  if (await exists(`${modelPath}_data`)) files.push(`onnx/${file}_data`);
  for (const name of t.copied) {
    const from = join(t.source, name);
    if (!(await exists(from))) continue;
    const to = join(t.out, name);
    if (resolve(from) !== to) {
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
    }
    files.push(name);
  }
  return { modelPath, files, weightsFile: checkpoint.file, dtype: t.dtype, unusedTensors: store.unused() };
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** A JSON object file of the checkpoint folder (default gliner_config.json). */
export async function readConfig(folder: string, name = "gliner_config.json"): Promise<Record<string, unknown>> {
  const path = join(folder, name);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ModelLoadError(
      `No ${name} in ${folder}. Point the converter at a GLiNER model folder (gliner_config.json) or a GLiNER2 one (config.json + encoder_config/).`,
      { cause },
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new ModelLoadError(`${path} is not valid JSON.`, { cause });
  }
  throw new ModelLoadError(`${path} does not hold a JSON object.`);
}

export async function openCheckpoint(folder: string, which: "safetensors" | "pytorch" | undefined): Promise<Checkpoint> {
  const st = join(folder, "model.safetensors");
  const pt = join(folder, "pytorch_model.bin");
  if (which === "safetensors" || (which === undefined && (await exists(st)))) {
    if (!(await exists(st))) throw new ModelLoadError(`No model.safetensors in ${folder} (weights: "safetensors" was asked for).`);
    return readSafetensors(st);
  }
  if (!(await exists(pt))) {
    throw new ModelLoadError(`No model.safetensors or pytorch_model.bin in ${folder}. Download the checkpoint's weights first.`);
  }
  return readTorchCheckpoint(pt);
}

export function subWeights(store: WeightStore, prefix: string): Weights {
  return { get: (name, shape) => store.entry(prefix + name, shape), has: (name) => store.has(prefix + name) };
}

/** The text encoder (DeBERTa or ModernBERT) and GLiNER's projection to hidden_size: token vectors [B, S, D]. */
export function encodeText(g: GraphBuilder, s: { encoder: TextEncoderSettings; hiddenSize: number }, store: WeightStore, inputIds: string, attentionMask: string): string {
  const root = subWeights(store, "");
  const D = s.hiddenSize;
  const backbone = subWeights(store, "token_rep_layer.bert_layer.model.");
  const tokens = isModernBert(s.encoder) ? buildModernBert(g, s.encoder, backbone, inputIds, attentionMask) : buildDeberta(g, s.encoder, backbone, inputIds, attentionMask);
  if (root.has("token_rep_layer.projection.weight")) {
    const weight = root.get("token_rep_layer.projection.weight", [D, s.encoder.hiddenSize]);
    return linear(g, tokens, weight, root.get("token_rep_layer.projection.bias"), "projection");
  }
  if (s.encoder.hiddenSize !== D) {
    throw new ModelLoadError(`The encoder outputs ${s.encoder.hiddenSize} values but hidden_size is ${D}, and the checkpoint has no token_rep_layer.projection.`);
  }
  return tokens;
}

/** The text inputs of GLiNER's export, in its order; `span_idx` / `span_mask` only for span models ("" otherwise). */
export function textInputs(g: GraphBuilder, span: boolean): { inputIds: string; attentionMask: string; wordsMask: string; textLengths: string; spanIdx: string; spanMask: string } {
  const I64 = DataType.INT64;
  return {
    inputIds: g.input("input_ids", I64, ["batch_size", "sequence_length"]),
    attentionMask: g.input("attention_mask", I64, ["batch_size", "sequence_length"]),
    wordsMask: g.input("words_mask", I64, ["batch_size", "sequence_length"]),
    textLengths: g.input("text_lengths", I64, ["batch_size", "value"]),
    spanIdx: span ? g.input("span_idx", I64, ["batch_size", "num_spans", "idx"]) : "",
    spanMask: span ? g.input("span_mask", DataType.BOOL, ["batch_size", "num_spans"]) : "",
  };
}

export function buildGraph(s: GlinerSettings, store: WeightStore, dtype: ConvertDType): GraphBuilder {
  const g = new GraphBuilder(dtype);
  const span = s.spanMode !== "token_level";
  const { inputIds, attentionMask, wordsMask, textLengths, spanIdx, spanMask } = textInputs(g, span);

  const root = subWeights(store, "");
  const D = s.hiddenSize;
  const tokens = encodeText(g, s, store, inputIds, attentionMask);
  const prompts = extractPrompts(g, tokens, inputIds, s.classTokenIndex, s.embedEntToken, D);
  let words = extractWords(g, tokens, wordsMask, textLengths, D);
  words = buildLstm(g, root, words, textLengths, lstmLayers(root));
  const logitDims = span ? ["batch_size", "sequence_length", "num_spans", "num_classes"] : ["batch_size", "sequence_length", "num_classes", 3];
  if (s.relex) {
    buildRelex(g, s, root, { tokens, inputIds, words, prompts, spanIdx, spanMask }, logitDims);
    return g;
  }
  const logits = span
    ? spanLogits(g, root, words, prompts, spanIdx, spanMask, s.maxWidth)
    : tokenLogits(g, root, words, prompts, D);
  g.rename(logits, "logits");
  g.output("logits", DataType.FLOAT, logitDims);
  return g;
}

interface Trunk {
  tokens: string;
  inputIds: string;
  words: string;
  prompts: string;
  spanIdx: string;
  spanMask: string;
}

/**
 * Relex graph (src/convert/relex-heads.ts): the inputs of the uni-encoder graph plus `threshold` and
 * `adjacency_threshold` (float32 [1]); outputs `logits`, `rel_idx`, `rel_logits`, `rel_mask` as the reference's
 * and `entity_spans` (the spans selected for pairing, which the relation decoder maps to entities).
 */
function buildRelex(g: GraphBuilder, s: GlinerSettings, root: Weights, t: Trunk, logitDims: (string | number)[]): void {
  const relex = s.relex!;
  const D = s.hiddenSize;
  const threshold = g.input("threshold", DataType.FLOAT, [1]);
  const adjacencyThreshold = g.input("adjacency_threshold", DataType.FLOAT, [1]);
  const relPrompts = extractPrompts(g, t.tokens, t.inputIds, relex.relTokenIndex, relex.embedRelToken, D);
  let logits: string;
  let selected: { rep: string; spans: string; mask: string };
  if (s.spanMode !== "token_level") {
    const { idx, spanRep, scores } = spanScores(g, root, t.words, t.prompts, t.spanIdx, t.spanMask);
    logits = spanLogitsOf(g, scores, s.maxWidth);
    selected = selectSpans(g, scores, spanRep, idx, t.spanMask, threshold, D);
  } else {
    logits = tokenLogits(g, root, t.words, promptRep(g, root, t.prompts), D);
    const { spans, mask } = selectTokenSpans(g, logits, threshold);
    selected = { rep: markerSpanRep(g, root, t.words, spans), spans, mask };
  }
  const { relIdx, relLogits, relMask } = relationHead(g, root, relex.relationsLayer, selected.rep, selected.mask, relPrompts, adjacencyThreshold);
  const outputs: [string, string, number, (string | number)[]][] = [
    [logits, "logits", DataType.FLOAT, logitDims],
    [relIdx, "rel_idx", DataType.INT64, ["batch_size", "num_pairs", 2]],
    [relLogits, "rel_logits", DataType.FLOAT, ["batch_size", "num_pairs", "num_relations"]],
    [relMask, "rel_mask", DataType.BOOL, ["batch_size", "num_pairs"]],
    [selected.spans, "entity_spans", DataType.INT64, ["batch_size", "num_entities", 2]],
  ];
  for (const [value, name, type, dims] of outputs) {
    g.rename(value, name);
    g.output(name, type, dims);
  }
}

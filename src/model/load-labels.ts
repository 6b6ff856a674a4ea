/**
 * Loading the bi-encoder parts: which main ONNX file to use, the labels tokenizer and the labels encoder.
 *
 * The reference never saves the labels tokenizer: it loads it from `labels_encoder` (a hub id such as
 * BAAI/bge-small-en-v1.5). Here it is read from `labels_encoder/` in the model folder when present (the layout
 * of the fixtures and of `gliner-ts convert` output), else from that hub repo.
 */
import { InvalidInputError, ModelLoadError } from "../errors.js";
import { LabelsEncoder, type LabelsInput } from "../labels/encoder.js";
import type { ModelFiles, Runtime, Session } from "../runtime/runtime.js";
import type { ModelConfig } from "./config.js";
import { onnxCandidates } from "./files.js";
import { type LoadOptions, readJson } from "./load.js";
import { checkEmbeddingRows } from "./onnx-embedding.js";
import { WordTokenizer } from "./tokenizer.js";

export const LABELS_ENCODER_FOLDER = "labels_encoder";
export const LABELS_ENCODER_ONNX = "labels_encoder.onnx";
export const LABELS_EMBEDDINGS_ONNX = "model_labels_embeddings.onnx";

/**
 * Main graph candidates for a bi-encoder: the precomputed-embeddings variant first when the labels encoder is there
 * too (labels are then encoded once and cached), then the labels-as-tokens file the dtype names.
 */
export async function biEncoderOnnxFiles(files: ModelFiles, dtypeFile: string): Promise<string[]> {
  const embeddingsFile = dtypeFile.replace(/^model/, "model_labels_embeddings");
  const hasEncoder = (await firstPresent(files, onnxCandidates(LABELS_ENCODER_ONNX))) !== undefined;
  return [...(hasEncoder ? onnxCandidates(embeddingsFile) : []), ...onnxCandidates(dtypeFile)];
}

export async function loadLabelsEncoder(
  runtime: Runtime,
  files: ModelFiles,
  config: ModelConfig,
  main: { session: Session; onnxFile: string },
  options: LoadOptions,
): Promise<LabelsEncoder> {
  const cacheSize = options.labelCacheSize;
  if (cacheSize !== undefined && (!Number.isInteger(cacheSize) || cacheSize < 0)) {
    throw new InvalidInputError("labelCacheSize", `labelCacheSize must be a non-negative integer (0 turns the cache off); got ${String(cacheSize)}.`);
  }
  const tokenizer = await labelsTokenizer(runtime, files, config, options);
  const input: LabelsInput = main.session.inputNames.includes("labels_embeddings") ? "embeddings" : "tokens";
  const located = await firstPresent(files, onnxCandidates(LABELS_ENCODER_ONNX));
  // The labels encoder's table: in labels_encoder.onnx, or inside a labels-as-tokens main graph.
  const tableFile = located ?? (await firstPresent(files, [main.onnxFile]));
  // A refusal here releases the main session in the caller (load.ts), as every refusal after it was created.
  if (tableFile !== undefined) await checkEmbeddingRows(runtime, tableFile, tokenizer.idCount, files.description, { labels: true });
  if (input === "embeddings" && located === undefined) {
    throw new ModelLoadError(
      `${files.description} has a graph that takes label embeddings but no onnx/${LABELS_ENCODER_ONNX} to compute them; ` +
        `add it (gliner-ts convert writes it) or load onnx/model.onnx, which takes labels as tokens.`,
    );
  }
  // The labels encoder runs on the calling thread: it is small and, with the cache, rarely runs; its arena
  // stays small too, so the memory policy (recycleAfterMb) is the main session's only.
  const { workers: _workers, recycleAfterMb: _after, recycleIdleMs: _idle, ...sessionOptions } = options.session ?? {};
  const openSession =
    located === undefined
      ? undefined
      : async () => {
          try {
            return await runtime.createSession(located.model, sessionOptions);
          } catch (cause) {
            throw new ModelLoadError(`ONNX Runtime could not load ${located.name} from ${files.description}: ${String(cause)}`, { cause });
          }
        };
  const encoder = new LabelsEncoder({ tokenizer, input, openSession, cacheSize: options.labelCacheSize });
  // The embeddings path needs the labels encoder on the first call anyway: surface a broken file at load.
  if (input === "embeddings") await encoder.placeholderFeeds(1);
  return encoder;
}

async function labelsTokenizer(runtime: Runtime, files: ModelFiles, config: ModelConfig, options: LoadOptions): Promise<WordTokenizer> {
  let source: ModelFiles = files;
  let prefix = `${LABELS_ENCODER_FOLDER}/`;
  if ((await files.readText(`${prefix}tokenizer.json`)) === undefined) {
    const id = config.labelsEncoder ?? "";
    if (!/^[\w.-]+\/[\w.-]+$/.test(id)) {
      throw new ModelLoadError(
        `${files.description} has no ${prefix}tokenizer.json and its labels_encoder "${id}" is not a hub repo id; ` +
          `put the labels encoder's tokenizer files in ${prefix}.`,
      );
    }
    const { revision: _revision, ...hubOptions } = options;
    source = await runtime.openModel(id, hubOptions);
    prefix = "";
  }
  const tokenizer = await readJson(source, `${prefix}tokenizer.json`, true);
  const tokenizerConfig = (await readJson(source, `${prefix}tokenizer_config.json`, false)) ?? {};
  return new WordTokenizer({
    tokenizer: tokenizer as Record<string, unknown>,
    tokenizerConfig: tokenizerConfig as Record<string, unknown>,
  });
}

/** The first of `names` the model has, located for `createSession`. */
export async function firstPresent(files: ModelFiles, names: readonly string[]): Promise<{ name: string; model: string | Uint8Array } | undefined> {
  for (const name of names) {
    const model = await files.locateModel(name);
    if (model !== undefined) return { name, model };
  }
  return undefined;
}

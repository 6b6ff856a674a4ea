/**
 * Converting from a hub repo id as well as a folder: the checkpoint's files are fetched into the hub cache
 * first (only those the converter reads), then converted from the cached snapshot. GLiNER (gliner_config.json)
 * and GLiNER2 (config.json + encoder_config/) repos alike.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ModelLoadError } from "../errors.js";
import type { HubOptions } from "../model/hub.js";
import { downloadHubFile } from "../runtime/node-hub.js";
import { type ConvertOptions, type ConvertResult, convertCheckpoint } from "./convert.js";
import { downloadGliner2Checkpoint } from "./gliner2-cache.js";

const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

/** Converts a local checkpoint folder or a Hugging Face repo id into an ONNX model folder at `outFolder`. */
export async function convertModel(
  source: string,
  outFolder: string,
  options: ConvertOptions & HubOptions = {},
): Promise<ConvertResult> {
  const local = await stat(resolve(source)).catch(() => undefined);
  if (local?.isDirectory()) return convertCheckpoint(resolve(source), outFolder, options);
  const snapshot = await downloadCheckpoint(source, options);
  return convertCheckpoint(snapshot, outFolder, { ...options, ...(await backboneConfig(snapshot, options)) });
}

/** Fetches a GLiNER checkpoint (config, tokenizer files, weights) into the hub cache; returns the snapshot folder. */
export async function downloadCheckpoint(repo: string, options: ConvertOptions & HubOptions): Promise<string> {
  const config = await downloadHubFile(repo, "gliner_config.json", { ...options, optional: true });
  if (config === undefined) return downloadGliner2Checkpoint(repo, options); // GLiNER2 (config.json) or a clear error
  for (const file of TOKENIZER_FILES) await downloadHubFile(repo, file, { ...options, optional: true });
  const weights =
    options.weights === "pytorch"
      ? await downloadHubFile(repo, "pytorch_model.bin", options)
      : ((await downloadHubFile(repo, "model.safetensors", { ...options, optional: options.weights !== "safetensors" })) ??
        (await downloadHubFile(repo, "pytorch_model.bin", { ...options, optional: true })));
  if (weights === undefined) {
    throw new ModelLoadError(`${repo} has neither model.safetensors nor pytorch_model.bin (sharded checkpoints are not supported yet).`);
  }
  return dirname(config);
}

/**
 * A checkpoint without its backbone's config (GLiNER: no `encoder_config` in gliner_config.json; GLiNER2: no
 * encoder_config/config.json) takes the backbone's config.json from the hub (`model_name`).
 */
async function backboneConfig(snapshot: string, options: HubOptions): Promise<Pick<ConvertOptions, "encoderConfig">> {
  const gliner = resolve(snapshot, "gliner_config.json");
  const isGliner = (await stat(gliner).catch(() => undefined)) !== undefined;
  if (!isGliner && (await stat(resolve(snapshot, "encoder_config", "config.json")).catch(() => undefined))) return {};
  const config = JSON.parse(await readFile(isGliner ? gliner : resolve(snapshot, "config.json"), "utf8")) as Record<string, unknown>;
  if (config["encoder_config"] || typeof config["model_name"] !== "string") return {};
  const path = await downloadHubFile(config["model_name"], "config.json", options);
  return path === undefined ? {} : { encoderConfig: JSON.parse(await readFile(path, "utf8")) as Record<string, unknown> };
}

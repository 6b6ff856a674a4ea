/**
 * GLiNER2 checkpoint folder (config.json + encoder_config/config.json + model.safetensors + tokenizer files, as
 * `GLiNER2.save_pretrained` writes and fastino/gliner2-*-v1 publish) → a folder the GLiNER2 runtime reads: the
 * same config and tokenizer files plus onnx/model*.onnx, the boundary of gliner2-graph.ts.
 */
import { join, resolve } from "node:path";
import { checkOptions, exists, openCheckpoint, readConfig, writeConverted, type ConvertOptions, type ConvertResult } from "./convert.js";
import { buildGliner2Graph } from "./gliner2-graph.js";
import { isGliner2Config, parseGliner2Settings, UnsupportedConfigError } from "./gliner2-config.js";
import { WeightStore } from "./weights.js";

/** Files of a GLiNER2 folder that the converted folder keeps (when present). */
export const GLINER2_COPIED_FILES = [
  "config.json",
  "encoder_config/config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "added_tokens.json",
  "spm.model",
] as const;

const ANCHOR = "encoder.embeddings.word_embeddings.weight";

export async function convertGliner2Checkpoint(sourceFolder: string, outFolder: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const dtype = checkOptions(options);
  const source = resolve(sourceFolder);
  const config = await readConfig(source, "config.json");
  if (!isGliner2Config(config)) {
    throw new UnsupportedConfigError(
      "model_type",
      `${join(source, "config.json")} is not a GLiNER2 config (model_type ${JSON.stringify(config.model_type ?? null)}, expected "extractor"), and the folder has no gliner_config.json (GLiNER).`,
    );
  }
  const encoderPath = join(source, "encoder_config", "config.json");
  const encoderConfig = options.encoderConfig ?? ((await exists(encoderPath)) ? await readConfig(source, join("encoder_config", "config.json")) : undefined);
  const settings = parseGliner2Settings(config, encoderConfig);
  const checkpoint = await openCheckpoint(source, options.weights);
  try {
    const store = new WeightStore(checkpoint, ANCHOR, "a GLiNER2 checkpoint (config.json of model_type \"extractor\" + model.safetensors)");
    const graph = buildGliner2Graph(settings, store, dtype);
    return await writeConverted(graph, checkpoint, store, {
      source,
      out: resolve(outFolder),
      dtype,
      copied: GLINER2_COPIED_FILES,
      externalData: options.externalData,
      metadata: { family: "gliner2", counting_layer: settings.countingLayer, max_width: String(settings.maxWidth) },
    });
  } finally {
    await checkpoint.close();
  }
}

/**
 * Convert on first use (Node): a GLiNER2 checkpoint without an ONNX graph (every published GLiNER2 model ships
 * model.safetensors only) is converted once by the converter's `ensureGliner2Onnx` into
 * `<hub cache>/.gliner-ts-converted/`, and loaded from there afterwards.
 */
import { GlinerError, ModelLoadError } from "../errors.js";
import type { ConvertOnFirstUse, Gliner2LoadOptions } from "../gliner2/load.js";

export const convertOnFirstUse: ConvertOnFirstUse = async (source: string, options: Gliner2LoadOptions) => {
  const { ensureGliner2Onnx } = await import("../convert/index.js");
  const { dtype, revision, cacheDir, localFilesOnly, token, endpoint, onProgress } = options;
  try {
    return await ensureGliner2Onnx(source, { dtype, revision, cacheDir, localFilesOnly, token, endpoint, onProgress });
  } catch (cause) {
    if (cause instanceof GlinerError && cause.code !== "MODEL_LOAD") throw cause;
    throw new ModelLoadError(
      `${source} has no ONNX graph and converting it on first use failed (${cause instanceof Error ? cause.message : String(cause)}); ` +
        `convert it with "gliner-ts convert ${source} --out <folder>" and load that folder.`,
      { cause },
    );
  }
};

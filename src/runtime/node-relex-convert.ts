/**
 * Convert on first use (Node) for relex models: the checkpoint is converted once by the converter's
 * `ensureRelexOnnx` into `<hub cache>/.gliner-ts-converted/` and loaded from there afterwards.
 */
import { GlinerError, ModelLoadError } from "../errors.js";
import type { GlinerLoadOptions } from "../gliner.js";

export async function convertRelexOnFirstUse(source: string, options: GlinerLoadOptions, missing: Error): Promise<string> {
  const { ensureRelexOnnx } = await import("../convert/index.js");
  const { dtype, revision, cacheDir, localFilesOnly, token, endpoint, onProgress } = options;
  try {
    return await ensureRelexOnnx(source, { dtype, revision, cacheDir, localFilesOnly, token, endpoint, onProgress });
  } catch (cause) {
    if (cause instanceof GlinerError && cause.code !== "MODEL_LOAD") throw cause;
    throw new ModelLoadError(`${missing.message} Converting it on first use failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

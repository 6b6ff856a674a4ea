/**
 * Convert on first use for relex models (knowledgator/gliner-relex-*): no working relex ONNX exists (GLiNER's own
 * export freezes its sizes), so a relex folder or repo is converted once into `<hub cache>/.gliner-ts-converted/`
 * with gliner-ts's relex graph, and loaded from there afterwards (the cache rules of gliner2-cache.ts).
 */
import { convertCheckpoint } from "./convert.js";
import { type EnsureGliner2Options, ensureConverted } from "./gliner2-cache.js";
import { downloadCheckpoint } from "./source.js";

export async function ensureRelexOnnx(source: string, options: EnsureGliner2Options = {}): Promise<string> {
  return ensureConverted(source, options, {
    name: "relex",
    sourceOnnxUsable: false, // the caller found the source's ONNX unusable (or missing)
    download: (repo, hub) => downloadCheckpoint(repo, hub),
    convert: (from, out, { dtype }) => convertCheckpoint(from, out, { dtype }),
  });
}

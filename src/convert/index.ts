/**
 * Public API of the checkpoint converter (PyTorch / safetensors checkpoint → ONNX), no Python needed.
 * See docs/convert.md.
 *
 * GLiNER2 (fastino/gliner2-*): `convertCheckpoint` / `convertModel` / `gliner-ts convert` also take a GLiNER2
 * folder or repo (config.json of model_type "extractor" + encoder_config/ + model.safetensors) and write the
 * boundary graph of gliner2-graph.ts (the inputs/outputs of shared/fixtures/gliner2-span/onnx/model.onnx).
 *
 * NOTE for the GLiNER2 runtime (issue 19): convert on first use is `ensureGliner2Onnx(source, { dtype, ...hub
 * options })` → the source to load (the source itself when it has onnx/<file for dtype>, else a folder under
 * `<hub cache>/.gliner-ts-converted/` with config.json, encoder_config/, tokenizer files and the converted
 * ONNX). src/convert is Node-only (eslint boundary), so call it from the Node side (e.g. a dynamic
 * `import("../convert/index.js")` in src/node.ts / src/runtime/node.ts), never from runtime-neutral code.
 */
export { convertCheckpoint, ONNX_FILE } from "./convert.js";
export type { ConvertDType, ConvertOptions, ConvertResult } from "./convert.js";
export { convertModel } from "./source.js";
export { convertGliner2Checkpoint } from "./gliner2.js";
export { ensureGliner2Onnx } from "./gliner2-cache.js";
export { ensureRelexOnnx } from "./relex-cache.js";
export type { EnsureGliner2Options } from "./gliner2-cache.js";
export { GLINER2_INPUTS, GLINER2_OUTPUTS } from "./gliner2-graph.js";
export { isGliner2Config, UnsupportedConfigError } from "./gliner2-config.js";
export type { CountingLayer } from "./gliner2-config.js";

/**
 * Public API of the checkpoint converter (PyTorch / safetensors checkpoint → ONNX), no Python needed.
 * See docs/convert.md.
 *
 * GLiNER2 (fastino/gliner2-*): `convertCheckpoint` / `convertModel` / `gliner-ts convert` also take a GLiNER2
 * folder (config.json of model_type "extractor" + encoder_config/ + model.safetensors) and write the boundary
 * graph of gliner2-graph.ts (the inputs/outputs of shared/fixtures/gliner2-span/onnx/model.onnx).
 */
export { convertCheckpoint, ONNX_FILE } from "./convert.js";
export type { ConvertDType, ConvertOptions, ConvertResult } from "./convert.js";
export { convertModel } from "./source.js";
export { convertGliner2Checkpoint } from "./gliner2.js";
export { GLINER2_INPUTS, GLINER2_OUTPUTS } from "./gliner2-graph.js";
export { isGliner2Config, UnsupportedConfigError } from "./gliner2-config.js";
export type { CountingLayer } from "./gliner2-config.js";

/**
 * Public API of the checkpoint converter (PyTorch / safetensors GLiNER checkpoint → ONNX), no Python needed.
 * See docs/convert.md.
 */
export { convertCheckpoint, ONNX_FILE } from "./convert.js";
export type { ConvertDType, ConvertOptions, ConvertResult } from "./convert.js";
export { convertModel } from "./source.js";

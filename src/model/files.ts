/** Which ONNX file a `dtype` names, with transformers.js' file names. */
import { InvalidInputError } from "../errors.js";

export type ModelDtype = "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4" | "q4f16" | "bnb4";

const DTYPE_FILES: Readonly<Record<ModelDtype, string>> = {
  fp32: "model.onnx",
  fp16: "model_fp16.onnx",
  q8: "model_quantized.onnx",
  int8: "model_int8.onnx",
  uint8: "model_uint8.onnx",
  q4: "model_q4.onnx",
  q4f16: "model_q4f16.onnx",
  bnb4: "model_bnb4.onnx",
};

export const MODEL_DTYPES = Object.keys(DTYPE_FILES) as ModelDtype[];

export function onnxFileForDtype(dtype: string): string {
  const file = DTYPE_FILES[dtype as ModelDtype];
  if (file === undefined) {
    throw new InvalidInputError("dtype", `Unknown dtype "${dtype}". Use one of: ${MODEL_DTYPES.join(", ")}.`);
  }
  return file;
}

/** Places an ONNX file is looked for, in order: `onnx/<file>` (hub exports), then the folder root. */
export function onnxCandidates(file: string): string[] {
  return file.includes("/") ? [file] : [`onnx/${file}`, file];
}

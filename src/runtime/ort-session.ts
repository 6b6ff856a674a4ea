/**
 * ONNX Runtime session → the core's {@link Session}, shared by the Node and browser runtimes (both ORT packages
 * expose onnxruntime-common's types). Outputs are read by name and must be float32.
 */
import type { InferenceSession, Tensor } from "onnxruntime-common";
import { ModelLoadError } from "../errors.js";
import type { FloatTensor, Session, TensorData } from "./runtime.js";

export function wrapOrtSession(session: InferenceSession, toTensor: (t: TensorData) => Tensor): Session {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Readonly<Record<string, TensorData>>, outputs: readonly string[]) {
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toTensor(t);
      const result = await session.run(ortFeeds, outputs);
      const out: Record<string, FloatTensor> = {};
      for (const name of outputs) {
        const tensor = result[name];
        if (tensor === undefined) continue;
        if (tensor.type !== "float32") {
          throw new ModelLoadError(`Output "${name}" is ${tensor.type}; gliner-ts expects float32 logits (fp16 models keep float32 outputs).`);
        }
        // getData() also downloads GPU-resident outputs (WebGPU); for CPU tensors it is the data itself.
        out[name] = { data: (await tensor.getData()) as Float32Array, dims: tensor.dims };
        tensor.dispose();
      }
      return out;
    },
    release: () => session.release(),
  };
}

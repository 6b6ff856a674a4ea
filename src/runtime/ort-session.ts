/**
 * ONNX Runtime session → the core's {@link Session}, shared by the Node and browser runtimes (both ORT packages
 * expose onnxruntime-common's types). Outputs are read by name as float32 (int64 / bool index outputs converted).
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
      const result = await session.run(ortFeeds, outputs).catch((cause: unknown) => {
        throw ortError(cause);
      });
      const out: Record<string, FloatTensor> = {};
      for (const name of outputs) {
        const tensor = result[name];
        if (tensor === undefined) continue;
        // getData() also downloads GPU-resident outputs (WebGPU); for CPU tensors it is the data itself.
        const data = await tensor.getData();
        if (tensor.type === "float32") out[name] = { data: data as Float32Array, dims: tensor.dims };
        // Index and mask outputs (relex graphs: rel_idx, rel_mask, entity_spans) are small; read as exact floats.
        else if (tensor.type === "int64" || tensor.type === "bool") out[name] = { data: Float32Array.from(data as ArrayLike<number | bigint>, Number), dims: tensor.dims };
        else throw new ModelLoadError(`Output "${name}" is ${tensor.type}; gliner-ts expects float32 logits (fp16 models keep float32 outputs).`);
        tensor.dispose();
      }
      return out;
    },
    release: () => session.release(),
  };
}

/** ONNX Runtime's error as an Error whose message is {@link cleanOrtMessage}'s (the raw one stays its `cause`). */
export function ortError(cause: unknown): Error {
  const message = cleanOrtMessage(cause instanceof Error ? cause.message : String(cause));
  return new Error(message, { cause });
}

/** `/onnxruntime_src/.../element_wise_ops.h:583 void onnxruntime::BroadcastIterator::Append(ptrdiff_t, ptrdiff_t)`. */
const SOURCE_LOCATION = new RegExp(
  String.raw`(?:(?:\/|[A-Za-z]:\\)[^\s:'"]*|\b[\w.-]+)\.(?:cc|cpp|cxx|h|hpp):\d+(?::\d+)?` +
    String.raw`(?:\s+(?:[\w<>*&]+(?:::[\w<>*&]+)*\s+)?[\w~<>]+(?:::[\w~<>]+)+\([^()]*\)(?:\s*const)?)?`,
  "g",
);

/**
 * ORT's message without terminal colour codes, the C++ source locations of its build machine (with the C++
 * function signature that follows one) and log-line prefixes; what it says about the failure stays.
 */
export function cleanOrtMessage(message: string): string {
  return message
    .replace(/\u001b\[[0-9;]*m/g, "")
    .replace(/\[[VIWEF]:onnxruntime:[^\]]*\]/g, " ")
    .replace(SOURCE_LOCATION, " ")
    .replace(/\s+/g, " ")
    .trim();
}

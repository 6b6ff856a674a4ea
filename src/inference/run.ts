/**
 * ④ Feeds → logits through the session, read by name, with their shape checked against the batch.
 * Token-level exports come in two layouts; {@link withLogitsLayout} decides which once, when the model is loaded.
 */
import { InferenceError } from "../errors.js";
import type { LoadedModel } from "../model/load.js";
import { cleanOrtMessage } from "../runtime/ort-session.js";
import type { FloatTensor, TensorData } from "../runtime/runtime.js";
import type { BatchShape } from "../tensors/batch.js";
import { encodePrompt } from "../prompt/encode.js";
import { buildFeeds } from "../tensors/batch.js";

/** `[B, W, C, 3]` (GLiNER ≥ 0.2.21 exports) or `[3, B, W, C]` (2024 exports, e.g. onnx-community's). */
export type TokenLogitsLayout = "BWC3" | "3BWC";

export type ModelLogits =
  | { readonly layout: "span"; readonly tensor: FloatTensor }
  | { readonly layout: TokenLogitsLayout; readonly tensor: FloatTensor };

/** A loaded model with its logits layout decided. */
export type ReadyModel = LoadedModel & { readonly logitsLayout: "span" | TokenLogitsLayout };

/**
 * Decides the logits layout once, at load: span models have one; a token model's is read off the output of one
 * tiny pass (1 text of 1 word, 2 labels), whose shape tells the two apart.
 */
export async function withLogitsLayout(model: LoadedModel): Promise<ReadyModel> {
  if (model.config.mode === "span") return { ...model, logitsLayout: "span" };
  const encoded = encodePrompt(["a", "b"], ["x"], model.config, model.tokenizer);
  const { feeds } = buildFeeds([encoded], { padId: model.tokenizer.padId });
  if (model.labels !== undefined) Object.assign(feeds, await model.labels.placeholderFeeds(2));
  const outputs = await model.session.run(model.config.relex ? withoutPairs(feeds) : feeds, ["logits"]);
  const layout = detectTokenLayout(outputs["logits"]?.dims ?? [], { batchSize: 1, maxWords: 1, numClasses: 2 });
  if (layout === undefined) throw shapeError(outputs["logits"]?.dims ?? [], "[1, 1, 2, 3] or [3, 1, 1, 2]");
  return { ...model, logitsLayout: layout };
}

export async function runModel(
  model: LoadedModel,
  feeds: Record<string, TensorData>,
  shape: BatchShape,
): Promise<ModelLogits> {
  let outputs: Record<string, FloatTensor>;
  try {
    outputs = await model.session.run(model.config.relex ? withoutPairs(feeds) : feeds, ["logits"]);
  } catch (cause) {
    throw new InferenceError(`ONNX Runtime failed on a batch of ${shape.batchSize}: ${cleanOrtMessage(String(cause))}`, { cause });
  }
  const tensor = outputs["logits"];
  if (tensor === undefined) throw new InferenceError('The session returned no "logits" output.');
  const { batchSize, maxWords, maxLabels } = shape;
  if (model.config.mode === "span") {
    const expected = [batchSize, maxWords, model.config.maxWidth, maxLabels];
    if (!sameDims(tensor.dims, expected)) throw shapeError(tensor.dims, `[${expected.join(", ")}]`);
    return { layout: "span", tensor };
  }
  const layout = (model as Partial<ReadyModel>).logitsLayout;
  if (layout === undefined || layout === "span") throw new InferenceError("A token-level model ran before its logits layout was decided (a gliner-ts bug).");
  const dims = layout === "BWC3" ? [batchSize, maxWords, maxLabels, 3] : [3, batchSize, maxWords, maxLabels];
  if (!sameDims(tensor.dims, dims)) throw shapeError(tensor.dims, `[${dims.join(", ")}]`);
  return { layout, tensor };
}

/**
 * Which layout a token-logits tensor has, from its dims and the batch's known sizes; undefined when both fit
 * (e.g. B = W = C = 3), which the load-time probe (1 × 1 × 2) never is.
 */
export function detectTokenLayout(
  dims: readonly number[],
  expected: { batchSize: number; maxWords: number; numClasses: number },
): TokenLogitsLayout | undefined {
  const { batchSize: b, maxWords: w, numClasses: c } = expected;
  const bwc3 = sameDims(dims, [b, w, c, 3]);
  const threeBwc = sameDims(dims, [3, b, w, c]);
  if (bwc3 && !threeBwc) return "BWC3";
  if (threeBwc && !bwc3) return "3BWC";
  return undefined;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function shapeError(dims: readonly number[], expected: string): InferenceError {
  return new InferenceError(
    `The model returned logits of shape [${dims.join(", ")}] where ${expected} was expected; the ONNX file does not fit this GLiNER config.`,
  );
}

/**
 * NER on a relex graph: the logits do not depend on its thresholds, which only select spans and pairs for the
 * relation head; 1 selects none (a float32 probability is never above 1), so the head costs nothing.
 */
function withoutPairs(feeds: Record<string, TensorData>): Record<string, TensorData> {
  const one: TensorData = { type: "float32", data: Float32Array.of(1), dims: [1] };
  return { ...feeds, threshold: one, adjacency_threshold: one };
}

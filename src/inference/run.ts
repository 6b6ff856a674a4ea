/**
 * ④ Feeds → logits through the session, read by name, with their shape checked against the batch.
 * Token-level exports come in two layouts; the layout is read off the output shape.
 */
import { InferenceError } from "../errors.js";
import type { LoadedModel } from "../model/load.js";
import type { FloatTensor, TensorData } from "../runtime/runtime.js";
import type { BatchShape } from "../tensors/batch.js";
import { detectTokenLayout, type TokenLogitsLayout } from "../decode/token-logits.js";
import { encodePrompt } from "../prompt/encode.js";
import { buildFeeds } from "../tensors/batch.js";

export type ModelLogits =
  | { readonly layout: "span"; readonly tensor: FloatTensor }
  | { readonly layout: TokenLogitsLayout; readonly tensor: FloatTensor };

/** Layout per model once seen unambiguously: B = W = C = 3 batches fit both layouts. */
const knownLayouts = new WeakMap<LoadedModel, TokenLogitsLayout>();

export async function runModel(
  model: LoadedModel,
  feeds: Record<string, TensorData>,
  shape: BatchShape,
): Promise<ModelLogits> {
  let outputs: Record<string, FloatTensor>;
  try {
    outputs = await model.session.run(model.config.relex ? withoutPairs(feeds) : feeds, ["logits"]);
  } catch (cause) {
    throw new InferenceError(`ONNX Runtime failed on a batch of ${shape.batchSize}: ${String(cause)}`, { cause });
  }
  const tensor = outputs["logits"];
  if (tensor === undefined) throw new InferenceError('The session returned no "logits" output.');
  const { batchSize, maxWords, maxLabels } = shape;
  if (model.config.mode === "span") {
    const expected = [batchSize, maxWords, model.config.maxWidth, maxLabels];
    if (!sameDims(tensor.dims, expected)) throw shapeError(tensor.dims, `[${expected.join(", ")}]`);
    return { layout: "span", tensor };
  }
  const expected = { batchSize, maxWords, numClasses: maxLabels };
  const detected = detectTokenLayout(tensor.dims, expected);
  if (detected !== undefined) {
    knownLayouts.set(model, detected);
    return { layout: detected, tensor };
  }
  if (!fitsEither(tensor.dims, expected)) {
    throw shapeError(tensor.dims, `[${batchSize}, ${maxWords}, ${maxLabels}, 3] or [3, ${batchSize}, ${maxWords}, ${maxLabels}]`);
  }
  return { layout: knownLayouts.get(model) ?? (await probeTokenLayout(model)), tensor };
}

/** One tiny pass (1 text of 1 word, 2 labels) whose output shape tells the layouts apart. */
async function probeTokenLayout(model: LoadedModel): Promise<TokenLogitsLayout> {
  const encoded = encodePrompt(["a", "b"], ["x"], model.config, model.tokenizer);
  const { feeds } = buildFeeds([encoded], { padId: model.tokenizer.padId });
  if (model.labels !== undefined) Object.assign(feeds, await model.labels.feeds(["a", "b"]));
  const outputs = await model.session.run(model.config.relex ? withoutPairs(feeds) : feeds, ["logits"]);
  const layout = detectTokenLayout(outputs["logits"]?.dims ?? [], { batchSize: 1, maxWords: 1, numClasses: 2 });
  if (layout === undefined) throw shapeError(outputs["logits"]?.dims ?? [], "[1, 1, 2, 3] or [3, 1, 1, 2]");
  knownLayouts.set(model, layout);
  return layout;
}

function fitsEither(dims: readonly number[], e: { batchSize: number; maxWords: number; numClasses: number }): boolean {
  return (
    sameDims(dims, [e.batchSize, e.maxWords, e.numClasses, 3]) || sameDims(dims, [3, e.batchSize, e.maxWords, e.numClasses])
  );
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

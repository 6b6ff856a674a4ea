/**
 * The GLiNER2 (span architecture) ONNX boundary: everything neural for a padded batch, in one graph, with the
 * inputs and outputs of shared/fixtures/gliner2-span/onnx/model.onnx (README "gliner2-span"):
 *
 *   input_ids, attention_mask int64 [B, S]   word_idx int64 / word_mask bool [B, L]
 *   schema_idx int64 / schema_mask bool [B, T, 1+F]   (per task: [P] position, then the field markers)
 *   → count_logits [B, T, 20], cls_logits [B, T, F], span_logits [B, T, C, F, L, max_width]
 *
 * DeBERTa encoder → word vectors at word_idx (zeroed where word_mask is false) → SpanMarkerV0 span
 * representations [B, L, W, D] (spans past a sample's last word use (0, 0), as the reference does); schema
 * vectors at schema_idx → count_pred on [P], classifier on the field markers, count_embed on the field markers;
 * C = max(1, the largest predicted count of a real task); span_logits = ⟨span rep, count-slot field vector⟩.
 */
import { subWeights, type ConvertDType } from "./convert.js";
import { countEmbedding } from "./count-embed.js";
import { buildDeberta, type Weights } from "./deberta.js";
import type { Gliner2Settings } from "./gliner2-config.js";
import { linear, projection } from "./layers.js";
import { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import type { WeightStore } from "./weights.js";

const sc = "gliner2";
const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** The boundary's input and output names, in order (the GLiNER2 runtime feeds and reads these). */
export const GLINER2_INPUTS = ["input_ids", "attention_mask", "word_idx", "word_mask", "schema_idx", "schema_mask"] as const;
export const GLINER2_OUTPUTS = ["count_logits", "cls_logits", "span_logits"] as const;

export function buildGliner2Graph(s: Gliner2Settings, store: WeightStore, dtype: ConvertDType): GraphBuilder {
  const g = new GraphBuilder(dtype);
  const { INT64, BOOL, FLOAT } = DataType;
  const inputIds = g.input("input_ids", INT64, ["batch", "seq"]);
  const attentionMask = g.input("attention_mask", INT64, ["batch", "seq"]);
  const wordIdx = g.input("word_idx", INT64, ["batch", "words"]);
  const wordMask = g.input("word_mask", BOOL, ["batch", "words"]);
  const schemaIdx = g.input("schema_idx", INT64, ["batch", "tasks", "fields_plus_1"]);
  const schemaMask = g.input("schema_mask", BOOL, ["batch", "tasks", "fields_plus_1"]);

  const w = subWeights(store, "");
  const D = s.encoder.hiddenSize;
  const hidden = buildDeberta(g, s.encoder, subWeights(store, "encoder."), inputIds, attentionMask); // [B, S, D]
  const rows = (idx: string): string => g.op1("GatherND", [hidden, g.op1("Unsqueeze", [idx, g.i64([-1])], {}, sc)], { batch_dims: { i: 1 } }, sc);

  const realWords = g.op1("Unsqueeze", [g.op1("Cast", [wordMask], { to: { i: FLOAT } }, sc), g.i64([-1])], {}, sc);
  const words = g.op1("Mul", [rows(wordIdx), realWords], {}, sc); // [B, L, D]
  const spans = spanRepresentation(g, w, words, wordMask, s.maxWidth); // [B, L, W, D]

  const schemaShape = g.op1("Shape", [schemaIdx], {}, sc); // [B, T, 1+F]
  const flat = rows(g.op1("Reshape", [schemaIdx, g.i64([0, -1])], {}, sc)); // [B, T·(1+F), D]
  const schema = g.op1("Reshape", [flat, g.op1("Concat", [schemaShape, g.i64([D])], { axis: { i: 0 } }, sc)], {}, sc);
  const prompt = g.op1("Gather", [schema, g.i64(0)], { axis: { i: 2 } }, sc); // [B, T, D]
  const fields = g.op1("Slice", [schema, g.i64([1]), g.i64([INT64_MAX]), g.i64([2])], {}, sc); // [B, T, F, D]
  const fieldMask = g.op1("Slice", [schemaMask, g.i64([1]), g.i64([INT64_MAX]), g.i64([2])], {}, sc);

  const countLogits = mlp(g, w, prompt, "count_pred");
  g.rename(countLogits, "count_logits");
  const clsLogits = g.op1("Squeeze", [mlp(g, w, fields, "classifier"), g.i64([-1])], {}, sc);
  g.rename(clsLogits, "cls_logits");

  const perSlot = countEmbedding(g, w, s.countingLayer, fields, fieldMask, D); // [20, B, T, F, D]
  const slots = g.op1("Range", [g.i64(0), countSlots(g, "count_logits", schemaMask), g.i64(1)], {}, sc);
  const used = g.op1("Gather", [perSlot, slots], { axis: { i: 0 } }, sc); // [C, B, T, F, D]
  const byTask = g.op1("Transpose", [used], { perm: { ints: [1, 2, 0, 3, 4] } }, sc); // [B, T, C, F, D]
  const spanLogits = spanScores(g, spans, byTask, D);
  g.rename(spanLogits, "span_logits");

  g.output("count_logits", FLOAT, ["batch", "tasks", 20]);
  g.output("cls_logits", FLOAT, ["batch", "tasks", "fields"]);
  g.output("span_logits", FLOAT, ["batch", "tasks", "count_slots", "fields", "words", s.maxWidth]);
  return g;
}

/** create_mlp(H, [2H], out, relu, dropout 0): Linear(0) → ReLU → Linear(2). */
function mlp(g: GraphBuilder, w: Weights, x: string, prefix: string): string {
  const h = g.op1("Relu", [linear(g, x, w.get(`${prefix}.0.weight`), w.get(`${prefix}.0.bias`), prefix)], {}, prefix);
  return linear(g, h, w.get(`${prefix}.2.weight`), w.get(`${prefix}.2.bias`), prefix);
}

/** C: the largest argmax of count_logits over real tasks (schema_mask[·, ·, 0]), at least 1 (a scalar). */
function countSlots(g: GraphBuilder, countLogits: string, schemaMask: string): string {
  const predicted = g.op1("ArgMax", [countLogits], { axis: { i: -1 }, keepdims: { i: 0 } }, sc); // [B, T], first max
  const realTask = g.op1("Gather", [schemaMask, g.i64(0)], { axis: { i: 2 } }, sc);
  const largest = g.op1("ReduceMax", [g.op1("Where", [realTask, predicted, g.i64(0)], {}, sc)], { keepdims: { i: 0 } }, sc);
  return g.op1("Max", [largest, g.i64(1)], {}, sc);
}

/**
 * SpanMarkerV0 over all spans (l, l+w), w < W: project_start / project_end of the words, gathered at each
 * span's start and end ((0, 0) for spans past the sample's last word), ReLU(concat) → out_project.
 */
function spanRepresentation(g: GraphBuilder, w: Weights, words: string, wordMask: string, maxWidth: number): string {
  const get = (name: string) => w.get(name);
  const p = "span_rep.span_rep_layer";
  const count = g.op1("ReduceSum", [g.op1("Cast", [wordMask], { to: { i: DataType.INT64 } }, sc), g.i64([1])], { keepdims: { i: 1 } }, sc);
  const wordCount = g.op1("Unsqueeze", [count, g.i64([2])], {}, sc); // [B, 1, 1]
  const length = g.op1("Gather", [g.op1("Shape", [words], {}, sc), g.i64(1)], { axis: { i: 0 } }, sc);
  const starts = g.op1("Unsqueeze", [g.op1("Range", [g.i64(0), length, g.i64(1)], {}, sc), g.i64([1])], {}, sc); // [L, 1]
  const ends = g.op1("Add", [starts, g.constant(DataType.INT64, [...Array(maxWidth).keys()], [1, maxWidth])], {}, sc); // [L, W]
  const valid = g.op1("Less", [ends, wordCount], {}, sc); // [B, L, W]
  const at = (rep: string, idx: string): string =>
    g.op1("GatherND", [rep, g.op1("Unsqueeze", [g.op1("Where", [valid, idx, g.i64(0)], {}, sc), g.i64([-1])], {}, sc)], { batch_dims: { i: 1 } }, sc);
  const start = projection(g, words, get, `${p}.project_start`, "span");
  const end = projection(g, words, get, `${p}.project_end`, "span");
  const cat = g.op1("Relu", [g.op1("Concat", [at(start, starts), at(end, ends)], { axis: { i: -1 } }, sc)], {}, sc);
  return projection(g, cat, get, `${p}.out_project`, "span"); // [B, L, W, D]
}

/** einsum("blwd,btcfd->btcflw") as one batched MatMul. */
function spanScores(g: GraphBuilder, spans: string, byTask: string, dim: number): string {
  const taskVectors = g.op1("Reshape", [byTask, g.i64([0, -1, dim])], {}, sc); // [B, T·C·F, D]
  const spanVectors = g.op1("Transpose", [g.op1("Reshape", [spans, g.i64([0, -1, dim])], {}, sc)], { perm: { ints: [0, 2, 1] } }, sc); // [B, D, L·W]
  const raw = g.op1("MatMul", [taskVectors, spanVectors], {}, sc); // [B, T·C·F, L·W]
  const btcf = g.op1("Slice", [g.op1("Shape", [byTask], {}, sc), g.i64([0]), g.i64([4])], {}, sc);
  const lw = g.op1("Slice", [g.op1("Shape", [spans], {}, sc), g.i64([1]), g.i64([3])], {}, sc);
  return g.op1("Reshape", [raw, g.op1("Concat", [btcf, lw], { axis: { i: 0 } }, sc)], {}, sc);
}

/**
 * GLiNER's bidirectional LSTM over word vectors (`LstmSeq2SeqEncoder`: pack_padded_sequence by text length,
 * nn.LSTM(batch_first, bidirectional), pad_packed_sequence) as the ONNX `LSTM` op with `sequence_lens`:
 * onnxruntime then starts the backward direction at each sequence's true end and writes zeros past it,
 * exactly like packing does.
 *
 * Weight layout: torch stacks the gates as (i, f, g, o) in `weight_ih_l{k}` [4h, in], `weight_hh_l{k}`
 * [4h, h], `bias_ih_l{k}`, `bias_hh_l{k}` [4h] (`_reverse` for the backward direction). ONNX wants
 * W [2, 4h, in], R [2, 4h, h] with gates in (i, o, f, c) order and B [2, 8h] = [Wb, Rb] per direction.
 */
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { floatWeight } from "./layers.js";
import type { Weights } from "./deberta.js";
import type { TensorEntry } from "./weights.js";

/** torch gate block order (i, f, g, o) → ONNX (i, o, f, c=g): ONNX block b comes from torch block TORCH_OF[b]. */
const TORCH_OF = [0, 3, 1, 2];

function reorderGates(values: Float32Array, hidden: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  const block = hidden * cols;
  for (let b = 0; b < 4; b++) out.set(values.subarray(TORCH_OF[b]! * block, (TORCH_OF[b]! + 1) * block), b * block);
  return out;
}

async function stacked(entries: TensorEntry[], hidden: number, cols: number): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const e of entries) parts.push(reorderGates(await e.read(), hidden, cols));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Number of LSTM layers present in the checkpoint (`rnn.lstm.weight_ih_l{k}`). */
export function lstmLayers(w: Weights): number {
  let n = 0;
  while (w.has(`rnn.lstm.weight_ih_l${n}`)) n++;
  return n;
}

/** words [B, W, D], lengths int64 [B, 1] → [B, W, D] (forward ‖ backward halves), zeros past each length. */
export function buildLstm(g: GraphBuilder, w: Weights, words: string, textLengths: string, layers: number): string {
  const sc = "rnn";
  const seqLens = g.op1("Cast", [g.op1("Reshape", [textLengths, g.i64([-1])], {}, sc)], { to: { i: DataType.INT32 } }, sc);
  let x = g.op1("Transpose", [words], { perm: { ints: [1, 0, 2] } }, sc); // [W, B, D]
  let out = words;
  for (let l = 0; l < layers; l++) {
    const get = (kind: string, reverse: boolean): TensorEntry => w.get(`rnn.lstm.${kind}_l${l}${reverse ? "_reverse" : ""}`);
    const wih = [get("weight_ih", false), get("weight_ih", true)];
    const whh = [get("weight_hh", false), get("weight_hh", true)];
    const bias = [get("bias_ih", false), get("bias_hh", false), get("bias_ih", true), get("bias_hh", true)];
    const [fourH, inp] = wih[0]!.shape as [number, number];
    const h = fourH / 4;
    const W = floatWeight(g, `rnn.lstm.W_l${l}`, [2, 4 * h, inp], () => stacked(wih, h, inp));
    const R = floatWeight(g, `rnn.lstm.R_l${l}`, [2, 4 * h, h], () => stacked(whh, h, h));
    const B = floatWeight(g, `rnn.lstm.B_l${l}`, [2, 8 * h], () => stacked(bias, h, 1));
    const [y] = g.op("LSTM", [x, W, R, B, seqLens], { direction: { s: "bidirectional" }, hidden_size: { i: h } }, { outputs: 1, scope: sc });
    // Y [W, 2, B, h] → [W, B, 2, h] → [W, B, 2h]
    x = g.op1("Reshape", [g.op1("Transpose", [y!], { perm: { ints: [0, 2, 1, 3] } }, sc), g.i64([0, 0, -1])], {}, sc);
    out = x;
  }
  return layers > 0 ? g.op1("Transpose", [out], { perm: { ints: [1, 0, 2] } }, sc) : words;
}

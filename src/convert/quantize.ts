/**
 * q8: dynamic int8 quantisation of the Linear layers (and the word-embedding table), in standard ONNX ops
 * that onnxruntime's CPU provider runs and fuses:
 *
 *   x ─DynamicQuantizeLinear→ (x_u8, x_scale, x_zp)
 *   MatMulInteger(x_u8, W_u8, x_zp, W_zp[N]) → int32 → Cast float → Mul(x_scale · W_scale[N])
 *
 * onnxruntime rewrites this chain into its fused DynamicQuantizeMatMul kernel. Weights are **uint8,
 * asymmetric, per output column** (scale and zero point per column): uint8×uint8 avoids the int16
 * saturation of the u8×s8 AVX2 path that makes some QInt8 exports of GLiNER collapse (urchade/GLiNER
 * #218, #270), and per-column ranges keep the error far below per-tensor ones.
 * Only the encoder's Linear layers are quantised (≈ 70% of a DeBERTa-v3 GLiNER's weights); the word
 * embedding table is stored as float16 (halfGather) and the small GLiNER heads, LayerNorms, biases,
 * relative-position embeddings and the LSTM stay float32.
 */
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { halfBytes, type TensorEntry } from "./weights.js";

interface Quantized {
  q: Uint8Array;
  scale: Float32Array;
  zeroPoint: Uint8Array;
}

/**
 * Quantises `groups` groups of `size` values each; value j of group i sits at `index(i, j)` of the source and
 * at `outIndex(i, j)` of the output.
 */
function quantizeGroups(src: Float32Array, groups: number, size: number, index: (i: number, j: number) => number, outIndex: (i: number, j: number) => number): Quantized {
  const q = new Uint8Array(groups * size);
  const scale = new Float32Array(groups);
  const zeroPoint = new Uint8Array(groups);
  for (let i = 0; i < groups; i++) {
    let lo = 0;
    let hi = 0;
    for (let j = 0; j < size; j++) {
      const v = src[index(i, j)]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const s = hi > lo ? (hi - lo) / 255 : 1;
    const zp = Math.min(255, Math.max(0, Math.round(-lo / s)));
    scale[i] = s;
    zeroPoint[i] = zp;
    for (let j = 0; j < size; j++) {
      const v = Math.round(src[index(i, j)]! / s) + zp;
      q[outIndex(i, j)] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { q, scale, zeroPoint };
}

/** Adds the three initializers of a quantised tensor; the source is read and quantised once. */
function addQuantized(g: GraphBuilder, key: string, qDims: readonly number[], groups: number, compute: () => Promise<Quantized>): { q: string; scale: string; zp: string } {
  let pending: Promise<Quantized> | undefined;
  let consumers = 0;
  const get = async <K extends keyof Quantized>(part: K): Promise<Uint8Array> => {
    pending ??= compute();
    const value = (await pending)[part];
    if (++consumers === 3) pending = undefined; // release once all three parts are written
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  };
  const q = g.addInitializer({ name: g.uniqueName(`${key}.q8`), dataType: DataType.UINT8, dims: qDims, bytes: () => get("q") });
  const scale = g.addInitializer({ name: g.uniqueName(`${key}.scale`), dataType: DataType.FLOAT, dims: [groups], bytes: () => get("scale") });
  const zp = g.addInitializer({ name: g.uniqueName(`${key}.zero_point`), dataType: DataType.UINT8, dims: [groups], bytes: () => get("zeroPoint") });
  return { q, scale, zp };
}

/** x · Wᵀ for a torch Linear weight W [out, in], quantised per output column. */
export function q8MatMul(g: GraphBuilder, x: string, weight: TensorEntry, scope: string): string {
  const [out, inp] = weight.shape as [number, number];
  const key = `${weight.name}.T`;
  let w = g.weightCache.get(key);
  if (w === undefined) {
    const t = addQuantized(g, key, [inp, out], out, async () => {
      const values = await weight.read();
      // group = output column n (= row n of W); stored transposed: q[k, n]
      return quantizeGroups(values, out, inp, (n, k) => n * inp + k, (n, k) => k * out + n);
    });
    w = `${t.q}|${t.scale}|${t.zp}`;
    g.weightCache.set(key, w);
  }
  const [wq, wScale, wZp] = w.split("|") as [string, string, string];
  const [xq, xScale, xZp] = g.op("DynamicQuantizeLinear", [x], {}, { outputs: 3, scope });
  const acc = g.op1("MatMulInteger", [xq!, wq, xZp!, wZp], {}, scope);
  const accF = g.op1("Cast", [acc], { to: { i: DataType.FLOAT } }, scope);
  return g.op1("Mul", [accF, g.op1("Mul", [xScale!, wScale], {}, scope)], {}, scope);
}

/**
 * Embedding lookup from a float16 table, widened to float32 after the Gather (only the looked-up rows).
 * q8 keeps the word embeddings in fp16: per-row 8-bit tables cost 10x more accuracy than all the quantised
 * MatMuls together on the fixtures, while fp16 halves the largest tensor of a DeBERTa-v3 model at no cost.
 */
export function halfGather(g: GraphBuilder, table: TensorEntry, ids: string, scope: string): string {
  let name = g.weightCache.get(`${table.name}.fp16`);
  if (name === undefined) {
    name = g.addInitializer({ name: g.uniqueName(`${table.name}.fp16`), dataType: DataType.FLOAT16, dims: table.shape, bytes: async () => halfBytes(await table.read()) });
    g.weightCache.set(`${table.name}.fp16`, name);
  }
  return g.op1("Cast", [g.op1("Gather", [name, ids], {}, scope)], { to: { i: DataType.FLOAT } }, scope);
}

/**
 * The int8 dtypes: dynamic quantisation of the encoder's Linear layers in standard ONNX ops that ONNX
 * Runtime's CPU provider fuses into its DynamicQuantizeMatMul kernel:
 *
 *   x ─DynamicQuantizeLinear→ (x_u8, x_scale, x_zp)          per tensor, computed at run time
 *   MatMulInteger(x_u8, W_q, x_zp, W_zp[N]) → int32 → Cast float → Mul(x_scale · W_scale[N]) (→ Add bias)
 *
 * Weights are quantised per output column (a scale, and for uint8 a zero point, per column). The dtypes differ
 * in the weight type, which picks ONNX Runtime's kernel (docs/convert.md has the measurements):
 * - `q8` and `int8`: **u8 activations × s8 weights, symmetric** — the operand pair the VNNI (vpdpbusd) and
 *   ARM dot-product kernels are built for, and the fastest on x86 AVX2 too. `q8` keeps 7 bits of weight
 *   (−64…63), so that AVX2 CPUs without VNNI, whose vpmaddubsw adds two u8×s8 products into a saturating
 *   int16, can never overflow (255·64·2 < 32768): the saturation that makes some int8 GLiNER exports lose
 *   their entities (urchade/GLiNER #218, #270). `int8` uses all 8 bits (−127…127): more precise, exact on
 *   VNNI/ARM, may saturate on AVX2-only CPUs.
 * - `uint8`: u8 × u8 weights, asymmetric (zero point per column): no saturation anywhere, slower kernels.
 * Kept in float: the word-embedding table (float16, widened after the Gather: halfGather), LayerNorms, biases,
 * the relative-position embeddings, the attention score MatMuls (both operands are activations), and the
 * GLiNER heads (projection, LSTM, scorer / span MLPs: a few % of the time, the logits' last steps).
 */
import type { GraphBuilder, WeightDType } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { halfBytes, type TensorEntry } from "./weights.js";

/** How an int8 dtype stores a weight. */
export interface Int8Scheme {
  readonly signed: boolean;
  /** Largest |q| of a symmetric (signed) weight. */
  readonly limit: number;
}

export const INT8_SCHEMES: Readonly<Record<string, Int8Scheme>> = {
  q8: { signed: true, limit: 63 },
  int8: { signed: true, limit: 127 },
  uint8: { signed: false, limit: 255 },
};

export function int8Scheme(dtype: WeightDType): Int8Scheme | undefined {
  return INT8_SCHEMES[dtype];
}

interface Quantized {
  q: Uint8Array;
  scale: Float32Array;
  zeroPoint: Uint8Array;
}

/**
 * Quantises `groups` groups of `size` values each; value j of group i sits at `index(i, j)` of the source and
 * at `outIndex(i, j)` of the output. Signed: symmetric, q = round(v / s) in [−limit, limit], zero point 0,
 * bytes are two's complement. Unsigned: asymmetric over [min(0, lo), max(0, hi)], so 0 is exact.
 */
export function quantizeGroups(
  src: Float32Array,
  groups: number,
  size: number,
  scheme: Int8Scheme,
  index: (i: number, j: number) => number,
  outIndex: (i: number, j: number) => number,
): Quantized {
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
    if (scheme.signed) {
      const absMax = Math.max(-lo, hi);
      const s = absMax > 0 ? absMax / scheme.limit : 1;
      scale[i] = s;
      for (let j = 0; j < size; j++) {
        const v = Math.round(src[index(i, j)]! / s);
        q[outIndex(i, j)] = (v < -scheme.limit ? -scheme.limit : v > scheme.limit ? scheme.limit : v) & 0xff;
      }
    } else {
      const s = hi > lo ? (hi - lo) / 255 : 1;
      const zp = Math.min(255, Math.max(0, Math.round(-lo / s)));
      scale[i] = s;
      zeroPoint[i] = zp;
      for (let j = 0; j < size; j++) {
        const v = Math.round(src[index(i, j)]! / s) + zp;
        q[outIndex(i, j)] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { q, scale, zeroPoint };
}

/** Adds the initializers of a quantised weight (zero points only when unsigned); read and quantised once. */
function addQuantized(g: GraphBuilder, key: string, qDims: readonly number[], groups: number, scheme: Int8Scheme, compute: () => Promise<Quantized>): string[] {
  const parts: (keyof Quantized)[] = scheme.signed ? ["q", "scale"] : ["q", "scale", "zeroPoint"];
  let pending: Promise<Quantized> | undefined;
  let consumers = 0;
  const get = async (part: keyof Quantized): Promise<Uint8Array> => {
    pending ??= compute();
    const value = (await pending)[part];
    if (++consumers === parts.length) pending = undefined; // release once all parts are written
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  };
  const intType = scheme.signed ? DataType.INT8 : DataType.UINT8;
  const q = g.addInitializer({ name: g.uniqueName(`${key}.${scheme.signed ? "s8" : "u8"}`), dataType: intType, dims: qDims, bytes: () => get("q") });
  const scale = g.addInitializer({ name: g.uniqueName(`${key}.scale`), dataType: DataType.FLOAT, dims: [groups], bytes: () => get("scale") });
  if (!scheme.signed) {
    const zp = g.addInitializer({ name: g.uniqueName(`${key}.zero_point`), dataType: DataType.UINT8, dims: [groups], bytes: () => get("zeroPoint") });
    return [q, scale, zp];
  }
  return [q, scale];
}

/** x · Wᵀ for a torch Linear weight W [out, in], quantised per output column by the graph's int8 dtype. */
export function int8MatMul(g: GraphBuilder, x: string, weight: TensorEntry, scope: string): string {
  const scheme = int8Scheme(g.dtype);
  if (scheme === undefined) throw new Error(`dtype ${g.dtype} is not an int8 dtype`);
  const [out, inp] = weight.shape as [number, number];
  const key = `${weight.name}.T`;
  let w = g.weightCache.get(key);
  if (w === undefined) {
    // group = output column n (= row n of W); stored transposed: q[k, n]
    w = addQuantized(g, key, [inp, out], out, scheme, async () =>
      quantizeGroups(await weight.read(), out, inp, scheme, (n, k) => n * inp + k, (n, k) => k * out + n),
    ).join("|");
    g.weightCache.set(key, w);
  }
  const [wq, wScale, wZp] = w.split("|") as [string, string, string | undefined];
  const [xq, xScale, xZp] = g.op("DynamicQuantizeLinear", [x], {}, { outputs: 3, scope });
  const acc = g.op1("MatMulInteger", wZp === undefined ? [xq!, wq, xZp!] : [xq!, wq, xZp!, wZp], {}, scope);
  const accF = g.op1("Cast", [acc], { to: { i: DataType.FLOAT } }, scope);
  return g.op1("Mul", [accF, g.op1("Mul", [xScale!, wScale], {}, scope)], {}, scope);
}

/**
 * Embedding lookup from a float16 table, widened to float32 after the Gather (only the looked-up rows).
 * The int8 dtypes keep the word embeddings in fp16: per-row 8-bit tables cost 10x more accuracy than all the
 * quantised MatMuls together on the fixtures, while fp16 halves the largest tensor of a DeBERTa-v3 model at no cost.
 */
export function halfGather(g: GraphBuilder, table: TensorEntry, ids: string, scope: string): string {
  let name = g.weightCache.get(`${table.name}.fp16`);
  if (name === undefined) {
    name = g.addInitializer({ name: g.uniqueName(`${table.name}.fp16`), dataType: DataType.FLOAT16, dims: table.shape, bytes: async () => halfBytes(await table.read()) });
    g.weightCache.set(`${table.name}.fp16`, name);
  }
  return g.op1("Cast", [g.op1("Gather", [name, ids], {}, scope)], { to: { i: DataType.FLOAT } }, scope);
}

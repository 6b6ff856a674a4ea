/**
 * nn building blocks shared by the encoder and the GLiNER heads, expressed in ONNX ops: weights (with the
 * fp32 / fp16 storage policy), Linear, LayerNorm, GELU, and GLiNER's 2-layer projection MLP.
 */
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { int8MatMul, int8Scheme } from "./quantize.js";
import { halfBytes, type TensorEntry } from "./weights.js";

function f32Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * A float weight computed from checkpoint tensors by `produce` (run only when the writer streams it).
 * fp16 stores it as float16 followed by a Cast to float32 (weight-only fp16, see docs/convert.md).
 * Returns the name of the float32 value; cached by `key`.
 */
export function floatWeight(g: GraphBuilder, key: string, dims: readonly number[], produce: () => Promise<Float32Array>): string {
  const hit = g.weightCache.get(key);
  if (hit) return hit;
  const name = g.uniqueName(key);
  let result: string;
  if (g.dtype === "fp16") {
    g.addInitializer({ name, dataType: DataType.FLOAT16, dims, bytes: async () => halfBytes(await produce()) });
    result = g.op1("Cast", [name], { to: { i: DataType.FLOAT } }, "fp16");
  } else {
    g.addInitializer({ name, dataType: DataType.FLOAT, dims, bytes: async () => f32Bytes(await produce()) });
    result = name;
  }
  g.weightCache.set(key, result);
  return result;
}

/** A checkpoint tensor as is. */
export function param(g: GraphBuilder, entry: TensorEntry): string {
  return floatWeight(g, entry.name, entry.shape, () => entry.read());
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[base + c]!;
  }
  return out;
}

/**
 * torch Linear: y = x Wᵀ + b, with W [out, in] stored transposed as the MatMul's [in, out] operand.
 * `quantizable` marks the layers that the int8 dtypes quantise (the encoder's; see quantize.ts).
 */
export function linear(g: GraphBuilder, x: string, weight: TensorEntry, bias: TensorEntry | undefined, scope: string, quantizable = false): string {
  if (weight.shape.length !== 2) throw new Error(`${weight.name} is not a matrix`);
  const [out, inp] = weight.shape as [number, number];
  let y: string;
  if (quantizable && int8Scheme(g.dtype) !== undefined) {
    y = int8MatMul(g, x, weight, scope);
  } else {
    const wt = floatWeight(g, `${weight.name}.T`, [inp, out], async () => transpose2d(await weight.read(), out, inp));
    y = g.op1("MatMul", [x, wt], {}, scope);
  }
  return bias ? g.op1("Add", [y, param(g, bias)], {}, scope) : y;
}

export function layerNorm(g: GraphBuilder, x: string, weight: TensorEntry, bias: TensorEntry, eps: number, scope: string): string {
  return g.op1("LayerNormalization", [x, param(g, weight), param(g, bias)], { axis: { i: -1 }, epsilon: { f: eps } }, scope);
}

/** Exact (erf) GELU, as torch's nn.GELU / transformers' "gelu": x · ½ · (1 + erf(x / √2)). */
export function gelu(g: GraphBuilder, x: string, scope: string): string {
  const erf = g.op1("Erf", [g.op1("Div", [x, g.f32(Math.SQRT2)], {}, scope)], {}, scope);
  const onePlus = g.op1("Add", [erf, g.f32(1)], {}, scope);
  return g.op1("Mul", [g.op1("Mul", [x, onePlus], {}, scope), g.f32(0.5)], {}, scope);
}

/** Activation by transformers' name (hidden_act). */
export function activation(g: GraphBuilder, x: string, name: string, scope: string): string {
  switch (name) {
    case "gelu":
      return gelu(g, x, scope);
    case "relu":
      return g.op1("Relu", [x], {}, scope);
    case "gelu_new":
    case "gelu_pytorch_tanh": {
      // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
      const x3 = g.op1("Mul", [g.op1("Mul", [x, x], {}, scope), x], {}, scope);
      const inner = g.op1("Mul", [g.op1("Add", [x, g.op1("Mul", [x3, g.f32(0.044715)], {}, scope)], {}, scope), g.f32(Math.sqrt(2 / Math.PI))], {}, scope);
      const t = g.op1("Add", [g.op1("Tanh", [inner], {}, scope), g.f32(1)], {}, scope);
      return g.op1("Mul", [g.op1("Mul", [x, t], {}, scope), g.f32(0.5)], {}, scope);
    }
    default:
      throw new Error(`unsupported activation ${name}`);
  }
}

/**
 * The end of a BERT-style layer (BERT, DeBERTa): the attention context [B, S, H·dh] merged from its heads, output
 * dense + residual → LayerNorm, then intermediate dense → activation → output dense + residual → LayerNorm.
 * `lin(x, name)` applies the layer's Linear `name` (e.g. "attention.output.dense"); `norm(name)` its LayerNorm.
 */
export function attentionOutputAndFeedForward(
  g: GraphBuilder,
  context: string,
  hidden: string,
  layer: { lin: (x: string, name: string) => string; norm: (x: string, name: string) => string; act: string; scope: string },
): string {
  const { lin, norm, act, scope } = layer;
  const ctx = g.op1("Transpose", [context], { perm: { ints: [0, 2, 1, 3] } }, scope);
  const merged = g.op1("Reshape", [ctx, g.i64([0, 0, -1])], {}, scope);
  const attnOut = norm(g.op1("Add", [lin(merged, "attention.output.dense"), hidden], {}, scope), "attention.output.LayerNorm");
  const inter = activation(g, lin(attnOut, "intermediate.dense"), act, scope);
  return norm(g.op1("Add", [lin(inter, "output.dense"), attnOut], {}, scope), "output.LayerNorm");
}

/** GLiNER's create_projection_layer: Linear(in, 4·out) → ReLU → (Dropout) → Linear(4·out, out). */
export function projection(g: GraphBuilder, x: string, get: (name: string) => TensorEntry, prefix: string, scope: string): string {
  const h = g.op1("Relu", [linear(g, x, get(`${prefix}.0.weight`), get(`${prefix}.0.bias`), scope)], {}, scope);
  return linear(g, h, get(`${prefix}.3.weight`), get(`${prefix}.3.bias`), scope);
}


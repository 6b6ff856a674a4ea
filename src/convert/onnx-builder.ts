/**
 * A small ONNX graph builder. Nodes, inputs and outputs are plain protobufjs objects (tiny); initializers are
 * *lazy*: each knows its dtype, dims and byte length up front and produces its bytes only when the writer
 * streams it to disk (onnx-writer.ts), so weights are read from the checkpoint one at a time.
 */
import { AttributeType, DataType, elementSize, type DataTypeCode } from "./onnx-proto.js";
import { numel } from "./weights.js";

export type Attr =
  | { i: number }
  | { f: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { s: string };

export interface InitTensor {
  readonly name: string;
  readonly dataType: DataTypeCode;
  readonly dims: readonly number[];
  /** Little-endian raw bytes (length = numel(dims) * elementSize(dataType)). */
  bytes(): Promise<Uint8Array> | Uint8Array;
}

export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
}

/**
 * How float weights are stored: fp32, fp16 (+Cast), or one of the int8 dtypes (8-bit MatMul weights + scales,
 * dynamically quantised activations; see quantize.ts).
 */
export type WeightDType = "fp32" | "fp16" | "q8" | "int8" | "uint8";

export interface NodeObj {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain?: string;
  attribute: object[];
}

export class GraphBuilder {
  readonly nodes: NodeObj[] = [];
  readonly initializers: InitTensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;
  private readonly constCache = new Map<string, string>();
  /** Weight initializers already added, by source key (a weight used twice is stored once). */
  readonly weightCache = new Map<string, string>();
  private readonly names = new Set<string>();

  constructor(readonly dtype: WeightDType) {}

  /** Adds a node and returns its output names. `scope` prefixes the generated names (readability only). */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, opts: { outputs?: number; scope?: string; domain?: string } = {}): string[] {
    const base = `${opts.scope ? `/${opts.scope}` : ""}/${opType}_${this.counter++}`;
    const outputs = Array.from({ length: opts.outputs ?? 1 }, (_, i) => `${base}_output_${i}`);
    const node: NodeObj = {
      input: [...inputs],
      output: outputs,
      name: base,
      opType,
      attribute: Object.entries(attrs).map(([name, a]) => encodeAttr(name, a)),
    };
    if (opts.domain) node.domain = opts.domain;
    this.nodes.push(node);
    return outputs;
  }

  /** Single-output node. */
  op1(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, scope?: string): string {
    return this.op(opType, inputs, attrs, { scope })[0]!;
  }

  addInitializer(tensor: InitTensor): string {
    if (this.names.has(tensor.name)) throw new Error(`duplicate initializer ${tensor.name}`);
    this.names.add(tensor.name);
    this.initializers.push(tensor);
    return tensor.name;
  }

  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    return name;
  }

  /** An in-memory constant (cached by value): int64 or float32, scalar when `dims` is []. */
  constant(dataType: typeof DataType.INT64 | typeof DataType.FLOAT | typeof DataType.INT32 | typeof DataType.BOOL, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dataType}|${dims.join(",")}|${values.join(",")}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const bytes = new Uint8Array(values.length * elementSize(dataType));
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => {
      if (dataType === DataType.INT64) view.setBigInt64(i * 8, BigInt(v), true);
      else if (dataType === DataType.INT32) view.setInt32(i * 4, v, true);
      else if (dataType === DataType.BOOL) view.setUint8(i, v ? 1 : 0);
      else view.setFloat32(i * 4, v, true);
    });
    const name = this.addInitializer({ name: this.uniqueName(`const_${this.constCache.size}`), dataType, dims, bytes: () => bytes });
    this.constCache.set(key, name);
    return name;
  }

  i64(values: number | readonly number[]): string {
    return typeof values === "number" ? this.constant(DataType.INT64, [values], []) : this.constant(DataType.INT64, values);
  }

  f32(values: number | readonly number[]): string {
    return typeof values === "number" ? this.constant(DataType.FLOAT, [values], []) : this.constant(DataType.FLOAT, values);
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Renames the output of the last node producing `from` (used to give graph outputs their public names). */
  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.output = node.output.map((o) => (o === from ? to : o));
      node.input = node.input.map((o) => (o === from ? to : o));
    }
  }

  /** Total bytes of all initializers (known without reading any weight). */
  weightBytes(): number {
    return this.initializers.reduce((sum, t) => sum + numel(t.dims) * elementSize(t.dataType), 0);
  }
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function encodeAttr(name: string, a: Attr): object {
  if ("i" in a) return { name, type: AttributeType.INT, i: a.i };
  if ("f" in a) return { name, type: AttributeType.FLOAT, f: a.f };
  if ("ints" in a) return { name, type: AttributeType.INTS, ints: [...a.ints] };
  if ("floats" in a) return { name, type: AttributeType.FLOATS, floats: [...a.floats] };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.s) };
}

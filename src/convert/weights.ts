/**
 * Checkpoint tensors as lazy handles: the converter never holds the whole checkpoint in memory, only the
 * tensor it is writing (see docs/convert.md, "Memory").
 */
import { ModelLoadError } from "../errors.js";

/** Element types the converter can read from a checkpoint (all are widened to float32). */
export type SourceDType = "F32" | "F16" | "BF16" | "F64";

export interface TensorEntry {
  readonly name: string;
  readonly dtype: SourceDType;
  readonly shape: readonly number[];
  /** Reads the tensor from disk, as a fresh row-major float32 array. */
  read(): Promise<Float32Array>;
}

export interface Checkpoint {
  /** Which file was read ("model.safetensors", "pytorch_model.bin"). */
  readonly file: string;
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  close(): Promise<void>;
}

export const DTYPE_BYTES: Record<SourceDType, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** Most elements one tensor may have (4 GiB as float32): larger shapes are corrupt, not models. */
export const MAX_TENSOR_ELEMENTS = 2 ** 30;

/** A shape read from a file: non-negative safe integers whose product stays within {@link MAX_TENSOR_ELEMENTS}. */
export function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new ModelLoadError(`${what} has an invalid shape ${JSON.stringify(shape)?.slice(0, 80)}; the file is corrupt.`);
  }
  const count = numel(shape as number[]);
  if (count > MAX_TENSOR_ELEMENTS) {
    throw new ModelLoadError(`${what} has shape [${shape.join(", ")}] (${count} elements), more than any model tensor; the file is corrupt.`);
  }
  return shape as number[];
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Widens little-endian raw bytes of `dtype` to float32. `bytes` may be any view; it is not kept. */
export function toFloat32(bytes: Uint8Array, dtype: SourceDType, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32":
      new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4));
      if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case "F64":
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case "F16":
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case "BF16": {
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
  }
  return out;
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half, round to nearest even (what numpy/torch `.half()` do), overflow → ±inf. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) {
    r++;
    if (r === 0x400) {
      r = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | r;
}

/** float32 values → little-endian float16 bytes. */
export function halfBytes(values: Float32Array): Uint8Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatToHalf(values[i]!);
  return new Uint8Array(out.buffer);
}

/**
 * Name lookup over a checkpoint whose keys may carry an outer prefix (e.g. `model.`): the GLiNER root is
 * found from a key every supported checkpoint has.
 */
export class WeightStore {
  readonly prefix: string;
  private readonly used = new Set<string>();

  /** `anchor`: a key every checkpoint of the family has (default: a GLiNER uni-encoder's word embeddings). */
  constructor(
    readonly checkpoint: Checkpoint,
    anchor = "token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight",
    family = "a uni-encoder GLiNER checkpoint with a transformers backbone. Check that the folder holds a GLiNER model (gliner_config.json + weights)",
  ) {
    const key = [...checkpoint.tensors.keys()].find((k) => k.endsWith(anchor));
    if (key === undefined) {
      throw new ModelLoadError(`${checkpoint.file} has no tensor named "${anchor}": this does not look like ${family}.`);
    }
    this.prefix = key.slice(0, key.length - anchor.length);
  }

  has(name: string): boolean {
    return this.checkpoint.tensors.has(this.prefix + name);
  }

  entry(name: string, shape?: readonly number[]): TensorEntry {
    const entry = this.checkpoint.tensors.get(this.prefix + name);
    if (entry === undefined) {
      throw new ModelLoadError(
        `${this.checkpoint.file} has no tensor "${this.prefix + name}", which gliner_config.json requires. ` +
          `The checkpoint and its config do not match; re-download the model.`,
      );
    }
    if (shape && (shape.length !== entry.shape.length || shape.some((d, i) => d !== entry.shape[i]))) {
      throw new ModelLoadError(
        `Tensor "${entry.name}" in ${this.checkpoint.file} has shape [${entry.shape.join(", ")}] but ` +
          `gliner_config.json implies [${shape.join(", ")}]. The checkpoint and its config do not match.`,
      );
    }
    this.used.add(entry.name);
    return entry;
  }

  /** Checkpoint keys that the graph did not use (reported, never fatal: training-only modules exist). */
  unused(): string[] {
    return [...this.checkpoint.tensors.keys()].filter((k) => !this.used.has(k));
  }
}

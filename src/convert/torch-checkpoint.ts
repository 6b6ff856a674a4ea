/**
 * `pytorch_model.bin` reader (torch >= 1.6 zip format): `<archive>/data.pkl` is parsed by the safe pickle
 * interpreter into tensor descriptions; each tensor's bytes are then read lazily from
 * `<archive>/data/<storage key>` (stored zip entries → positioned reads, no full-file load).
 */
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { GlinerError, ModelLoadError } from "../errors.js";
import { loadPickle, type TensorRef } from "./pickle.js";
import { checkShape, DTYPE_BYTES, LITTLE_ENDIAN, numel, toFloat32, type Checkpoint, type SourceDType, type TensorEntry } from "./weights.js";
import { ZipReader } from "./zip.js";

const FLOAT_DTYPES = new Set(["F32", "F16", "BF16", "F64"]);

export async function readTorchCheckpoint(path: string): Promise<Checkpoint> {
  const file = basename(path);
  const handle = await open(path, "r");
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    if (magic.readUInt32LE(0) !== 0x04034b50) {
      throw new GlinerError(
        "UNSUPPORTED",
        `${file} is not a zip-format torch checkpoint (the legacy pre-1.6 format is not supported). ` +
          `Re-save it with torch >= 1.6, or use the model's model.safetensors.`,
      );
    }
    const zip = await ZipReader.open(handle, file);
    const pklName = [...zip.entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pklName === undefined) throw new ModelLoadError(`${file} has no <archive>/data.pkl; it is not a torch checkpoint.`);
    const archive = pklName.slice(0, -"data.pkl".length);
    const byteorder = zip.entries.get(`${archive}byteorder`);
    if (byteorder && (await zip.read(byteorder)).toString("latin1").trim() !== "little") {
      throw new GlinerError("UNSUPPORTED", `${file} was saved on a big-endian machine; re-save it on little-endian or use safetensors.`);
    }
    const root = loadPickle(await zip.read(zip.entries.get(pklName)!));
    const stateDict = unwrapStateDict(root, file);
    const tensors = new Map<string, TensorEntry>();
    for (const [name, value] of stateDict) {
      if (typeof name !== "string" || (value as TensorRef)?.kind !== "tensor") continue;
      const ref = value as TensorRef;
      if (!FLOAT_DTYPES.has(ref.storage.dtype)) continue; // integer buffers, e.g. position_ids
      const dtype = ref.storage.dtype as SourceDType;
      const entry = zip.entries.get(`${archive}data/${ref.storage.key}`);
      if (entry === undefined) throw new ModelLoadError(`${file} lacks the storage ${ref.storage.key} of tensor "${name}".`);
      checkView(ref, entry.size, DTYPE_BYTES[dtype], `Tensor "${name}" in ${file}`);
      tensors.set(name, {
        name,
        dtype,
        shape: ref.shape,
        read: async () => {
          const elem = DTYPE_BYTES[dtype];
          const count = numel(ref.shape);
          let span = 1;
          ref.shape.forEach((d, i) => (span += (d - 1) * ref.stride[i]!));
          if (count === 0) return new Float32Array(0);
          if (dtype === "F32" && LITTLE_ENDIAN && isContiguous(ref)) {
            const out = new Float32Array(count); // read straight into the result, no second copy
            await zip.readRange(entry, ref.offset * elem, count * elem, new Uint8Array(out.buffer));
            return out;
          }
          const raw = await zip.readRange(entry, ref.offset * elem, span * elem);
          const values = toFloat32(raw, dtype, span);
          return isContiguous(ref) ? values.subarray(0, count) : gatherStrided(values, ref.shape, ref.stride);
        },
      });
    }
    return { file, tensors, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The tensor's view (offset, shape, stride) must lie inside its storage, checked before anything is read. */
function checkView(ref: TensorRef, storageBytes: number, elem: number, what: string): void {
  checkShape(ref.shape, what);
  if (ref.stride.length !== ref.shape.length || !ref.stride.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw new ModelLoadError(`${what} has strides [${ref.stride.join(", ")}] that do not fit shape [${ref.shape.join(", ")}]; the file is corrupt.`);
  }
  if (!Number.isSafeInteger(ref.offset) || ref.offset < 0) throw new ModelLoadError(`${what} has storage offset ${ref.offset}; the file is corrupt.`);
  if (numel(ref.shape) === 0) return;
  let last = ref.offset;
  ref.shape.forEach((d, i) => (last += (d - 1) * ref.stride[i]!));
  if ((last + 1) * elem > storageBytes) {
    throw new ModelLoadError(`${what} reads up to byte ${(last + 1) * elem} of a ${storageBytes}-byte storage; the file is corrupt.`);
  }
}

function unwrapStateDict(root: unknown, file: string): Map<unknown, unknown> {
  if (root instanceof Map) {
    for (const key of ["state_dict", "model_state_dict", "model"]) {
      const inner = root.get(key);
      if (inner instanceof Map && ![...root.values()].some((v) => (v as TensorRef)?.kind === "tensor")) return inner;
    }
    return root;
  }
  throw new ModelLoadError(`${file} does not hold a state dict (its pickle's top level is not a dict).`);
}

function isContiguous(ref: TensorRef): boolean {
  let expected = 1;
  for (let i = ref.shape.length - 1; i >= 0; i--) {
    if (ref.shape[i]! !== 1 && ref.stride[i] !== expected) return false;
    expected *= ref.shape[i]!;
  }
  return true;
}

function gatherStrided(src: Float32Array, shape: readonly number[], stride: readonly number[]): Float32Array {
  const out = new Float32Array(numel(shape));
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let s = 0;
    for (let d = 0; d < shape.length; d++) s += idx[d]! * stride[d]!;
    out[o] = src[s]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

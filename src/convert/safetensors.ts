/**
 * safetensors reader: 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the raw little-endian
 * data (offsets relative to the end of the header). Tensors are read one at a time with positioned reads.
 */
import { open, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { ModelLoadError } from "../errors.js";
import { checkShape, DTYPE_BYTES, LITTLE_ENDIAN, numel, toFloat32, type Checkpoint, type SourceDType, type TensorEntry } from "./weights.js";

const MAX_HEADER = 100 * 1024 * 1024;

export async function readSafetensors(path: string): Promise<Checkpoint> {
  const file = basename(path);
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const lenBuf = Buffer.alloc(8);
    await readExactly(handle, lenBuf, 0, file);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
      throw new ModelLoadError(`${file} is not a safetensors file (header length ${headerLen}). Re-download it.`);
    }
    const headerBuf = Buffer.alloc(headerLen);
    await readExactly(handle, headerBuf, 8, file);
    let header: unknown;
    try {
      header = JSON.parse(headerBuf.toString("utf8"));
    } catch (cause) {
      throw new ModelLoadError(`${file} has a corrupt safetensors header (invalid JSON). Re-download it.`, { cause });
    }
    if (typeof header !== "object" || header === null || Array.isArray(header)) {
      throw new ModelLoadError(`${file} has a corrupt safetensors header (not a JSON object). Re-download it.`);
    }
    const dataStart = 8 + headerLen;
    const tensors = new Map<string, TensorEntry>();
    const ranges: [begin: number, end: number, name: string][] = [];
    for (const [name, raw] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      const what = `Tensor "${name}" in ${file}`;
      if (typeof raw !== "object" || raw === null) throw new ModelLoadError(`${what} has no description; the file is corrupt.`);
      const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const shape = checkShape(info.shape, what);
      const offsets = info.data_offsets;
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
        throw new ModelLoadError(`${what} has invalid data_offsets ${JSON.stringify(offsets)?.slice(0, 80)}; the file is corrupt.`);
      }
      const [begin, end] = offsets as [number, number];
      if (begin > end || dataStart + end > size) {
        throw new ModelLoadError(`${what} has data_offsets [${begin}, ${end}] outside its data (${size - dataStart} bytes); the file is corrupt or truncated.`);
      }
      ranges.push([begin, end, name]);
      const dtype = info.dtype;
      if (dtype !== "F32" && dtype !== "F16" && dtype !== "BF16" && dtype !== "F64") {
        if (typeof dtype === "string" && /^(I|U|BOOL)/.test(dtype)) continue; // integer buffers (position_ids)
        throw new ModelLoadError(`${what} has unsupported dtype ${JSON.stringify(dtype)?.slice(0, 40)}.`);
      }
      const count = numel(shape);
      if (end - begin !== count * DTYPE_BYTES[dtype]) {
        throw new ModelLoadError(`${what} has ${end - begin} bytes but shape [${shape.join(", ")}] of ${dtype} needs ${count * DTYPE_BYTES[dtype]}; the file is corrupt.`);
      }
      tensors.set(name, {
        name,
        dtype: dtype as SourceDType,
        shape,
        read: async () => {
          if (dtype === "F32" && LITTLE_ENDIAN) {
            // read straight into the result: no second copy of the (possibly 500 MB) embedding table
            const out = new Float32Array(count);
            await readExactly(handle, new Uint8Array(out.buffer), dataStart + begin, file);
            return out;
          }
          const buf = Buffer.allocUnsafe(end - begin);
          await readExactly(handle, buf, dataStart + begin, file);
          return toFloat32(buf, dtype as SourceDType, count);
        },
      });
    }
    checkDisjoint(ranges, file);
    return { file, tensors, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Tensors must not share bytes: overlapping data_offsets mean a corrupt (or crafted) file. */
function checkDisjoint(ranges: [begin: number, end: number, name: string][], file: string): void {
  const used = ranges.filter(([begin, end]) => end > begin).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < used.length; i++) {
    const [begin, , name] = used[i]!;
    const [, previousEnd, previous] = used[i - 1]!;
    if (begin < previousEnd) {
      throw new ModelLoadError(`Tensors "${previous}" and "${name}" in ${file} overlap (data_offsets); the file is corrupt.`);
    }
  }
}

export async function readExactly(handle: FileHandle, buf: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < buf.byteLength) {
    // fs reads take at most 2 GiB - 1 at a time (a larger length aborts the process).
    const { bytesRead } = await handle.read(buf, done, Math.min(buf.byteLength - done, 2 ** 30), position + done);
    if (bytesRead === 0) throw new ModelLoadError(`${file} ended early (truncated download?). Re-download it.`);
    done += bytesRead;
  }
}

/**
 * safetensors reader: 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the raw little-endian
 * data (offsets relative to the end of the header). Tensors are read one at a time with positioned reads.
 */
import { open, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { ModelLoadError } from "../errors.js";
import { DTYPE_BYTES, LITTLE_ENDIAN, numel, toFloat32, type Checkpoint, type SourceDType, type TensorEntry } from "./weights.js";

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
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(headerBuf.toString("utf8")) as Record<string, unknown>;
    } catch (cause) {
      throw new ModelLoadError(`${file} has a corrupt safetensors header (invalid JSON). Re-download it.`, { cause });
    }
    const dataStart = 8 + headerLen;
    const tensors = new Map<string, TensorEntry>();
    for (const [name, raw] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const dtype = info.dtype;
      if (dtype !== "F32" && dtype !== "F16" && dtype !== "BF16" && dtype !== "F64") {
        if (typeof dtype === "string" && /^(I|U|BOOL)/.test(dtype)) continue; // integer buffers (position_ids)
        throw new ModelLoadError(`Tensor "${name}" in ${file} has unsupported dtype ${String(dtype)}.`);
      }
      const shape = info.shape as number[];
      const [begin, end] = info.data_offsets as [number, number];
      const count = numel(shape);
      if (!Array.isArray(shape) || end - begin !== count * DTYPE_BYTES[dtype] || dataStart + end > size) {
        throw new ModelLoadError(`Tensor "${name}" in ${file} has inconsistent offsets; the file is corrupt or truncated.`);
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
    return { file, tensors, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export async function readExactly(handle: FileHandle, buf: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < buf.byteLength) {
    const { bytesRead } = await handle.read(buf, done, buf.byteLength - done, position + done);
    if (bytesRead === 0) throw new ModelLoadError(`${file} ended early (truncated download?). Re-download it.`);
    done += bytesRead;
  }
}

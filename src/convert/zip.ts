/**
 * Minimal zip reader for torch checkpoints (`torch.save` writes a zip of stored, i.e. uncompressed,
 * entries, ZIP64 when large). We parse the central directory ourselves instead of taking an npm zip library:
 * ~100 lines, no dependency, and it gives byte ranges of stored entries so tensors can be read lazily with
 * positioned reads (the libraries we looked at inflate whole entries into memory). Deflated entries
 * (a checkpoint re-zipped by hand) are still accepted and inflated on demand.
 */
import { type FileHandle } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import { ModelLoadError } from "../errors.js";
import { readExactly } from "./safetensors.js";

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

/** Most an entry may expand by when deflated (deflate's own limit is ~1032; real checkpoints compress < 10×). */
export const MAX_DEFLATE_RATIO = 100;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipReader {
  private constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
    readonly entries: ReadonlyMap<string, ZipEntry>,
    private readonly size: number,
  ) {}

  private static corrupt(file: string, what: string): ModelLoadError {
    return new ModelLoadError(`${file} is a corrupt zip archive: ${what}. Re-download or re-save the checkpoint.`);
  }

  static async open(handle: FileHandle, file: string): Promise<ZipReader> {
    const { size } = await handle.stat();
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.alloc(tailLen);
    await readExactly(handle, tail, size - tailLen, file);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ModelLoadError(`${file} is not a zip archive (no end of central directory).`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
      const recOffset = Number(tail.readBigUInt64LE(eocd - 20 + 8));
      if (recOffset + 56 > size) throw ZipReader.corrupt(file, "the ZIP64 record lies past the end of the file");
      const rec = Buffer.alloc(56);
      await readExactly(handle, rec, recOffset, file);
      if (rec.readUInt32LE(0) !== ZIP64_EOCD) throw new ModelLoadError(`${file} has a corrupt ZIP64 record.`);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw new ModelLoadError(`${file} is truncated (central directory out of range).`);
    if (count * 46 > cdSize) throw ZipReader.corrupt(file, `${count} entries cannot fit in a ${cdSize}-byte central directory`);
    const cd = Buffer.alloc(cdSize);
    await readExactly(handle, cd, cdOffset, file);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) {
        throw new ModelLoadError(`${file} has a corrupt zip central directory.`);
      }
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      if (p + 46 + nameLen + extraLen + commentLen > cd.length) throw ZipReader.corrupt(file, "a central directory record runs past its end");
      const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
      // ZIP64 extended information: 64-bit values for the fields saturated at 0xffffffff, in this order.
      let q = p + 46 + nameLen;
      const extraEnd = q + extraLen;
      while (q + 4 <= extraEnd) {
        const id = cd.readUInt16LE(q);
        const len = cd.readUInt16LE(q + 2);
        if (q + 4 + len > extraEnd) throw ZipReader.corrupt(file, `entry ${name} has a truncated extra field`);
        if (id === 0x0001) {
          let r = q + 4;
          const fieldEnd = r + len;
          const next64 = (): number => {
            if (r + 8 > fieldEnd) throw ZipReader.corrupt(file, `entry ${name} has a short ZIP64 field`);
            r += 8;
            return Number(cd.readBigUInt64LE(r - 8));
          };
          if (uncompressed === 0xffffffff) uncompressed = next64();
          if (compressedSize === 0xffffffff) compressedSize = next64();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next64();
        }
        q += 4 + len;
      }
      // Checked here, before any entry is read: a crafted directory must not size a buffer or a read.
      if (method !== 0 && method !== 8) throw ZipReader.corrupt(file, `entry ${name} uses method ${method} (only stored and deflate are read)`);
      if (localHeaderOffset + 30 + compressedSize > size) {
        throw ZipReader.corrupt(file, `entry ${name} claims ${compressedSize} bytes at offset ${localHeaderOffset}, past the end of the file (${size} bytes)`);
      }
      if (method === 0 && compressedSize !== uncompressed) throw ZipReader.corrupt(file, `stored entry ${name} has different sizes`);
      if (method === 8 && uncompressed > Math.max(compressedSize, 1024) * MAX_DEFLATE_RATIO) {
        throw ZipReader.corrupt(file, `entry ${name} would expand ${compressedSize} bytes to ${uncompressed} (more than ${MAX_DEFLATE_RATIO}×)`);
      }
      entries.set(name, { name, method, compressedSize, size: uncompressed, localHeaderOffset });
      p = extraEnd + commentLen;
    }
    return new ZipReader(handle, file, entries, size);
  }

  /** Byte offset of the entry's data in the file (after its local header). */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const local = Buffer.alloc(30);
    await readExactly(this.handle, local, entry.localHeaderOffset, this.file);
    if (local.readUInt32LE(0) !== LOCAL) throw new ModelLoadError(`${this.file}: corrupt zip entry ${entry.name}.`);
    // The local header's own name/extra lengths may differ from the central directory's: stay inside the file.
    const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (start + entry.compressedSize > this.size) {
      throw new ModelLoadError(`${this.file}: zip entry ${entry.name} runs past the end of the file; the checkpoint is corrupt or truncated.`);
    }
    return start;
  }

  /** Reads `length` bytes at `offset` of the entry's uncompressed content (into `target` when given). */
  async readRange(entry: ZipEntry, offset: number, length: number, target?: Uint8Array): Promise<Uint8Array> {
    if (offset < 0 || offset + length > entry.size) {
      throw new ModelLoadError(`${this.file}: read past the end of ${entry.name}; the checkpoint is corrupt.`);
    }
    const start = await this.dataOffset(entry);
    if (entry.method === 0) {
      const buf = target ?? Buffer.allocUnsafe(length);
      await readExactly(this.handle, buf.subarray(0, length), start + offset, this.file);
      return buf;
    }
    if (entry.method === 8) {
      const raw = Buffer.allocUnsafe(entry.compressedSize);
      await readExactly(this.handle, raw, start, this.file);
      let inflated: Buffer;
      try {
        // Bounded by the declared size: a zip bomb stops at entry.size bytes instead of filling memory.
        inflated = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch (cause) {
        throw new ModelLoadError(`${this.file}: entry ${entry.name} does not inflate to its declared ${entry.size} bytes; the checkpoint is corrupt.`, { cause });
      }
      if (inflated.length !== entry.size) {
        throw new ModelLoadError(`${this.file}: entry ${entry.name} inflates to ${inflated.length} bytes, not the declared ${entry.size}; the checkpoint is corrupt.`);
      }
      const data = inflated.subarray(offset, offset + length);
      if (!target) return data;
      target.set(data);
      return target;
    }
    throw new ModelLoadError(`${this.file}: entry ${entry.name} uses zip method ${entry.method}; only stored/deflate are supported.`);
  }

  async read(entry: ZipEntry): Promise<Buffer> {
    const data = await this.readRange(entry, 0, entry.size);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
}

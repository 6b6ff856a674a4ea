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
  ) {}

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
      const rec = Buffer.alloc(56);
      await readExactly(handle, rec, recOffset, file);
      if (rec.readUInt32LE(0) !== ZIP64_EOCD) throw new ModelLoadError(`${file} has a corrupt ZIP64 record.`);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw new ModelLoadError(`${file} is truncated (central directory out of range).`);
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
      const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
      // ZIP64 extended information: 64-bit values for the fields saturated at 0xffffffff, in this order.
      let q = p + 46 + nameLen;
      const extraEnd = q + extraLen;
      while (q + 4 <= extraEnd) {
        const id = cd.readUInt16LE(q);
        const len = cd.readUInt16LE(q + 2);
        if (id === 0x0001) {
          let r = q + 4;
          if (uncompressed === 0xffffffff) {
            uncompressed = Number(cd.readBigUInt64LE(r));
            r += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(r));
            r += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cd.readBigUInt64LE(r));
        }
        q += 4 + len;
      }
      entries.set(name, { name, method, compressedSize, size: uncompressed, localHeaderOffset });
      p = extraEnd + commentLen;
    }
    return new ZipReader(handle, file, entries);
  }

  /** Byte offset of the entry's data in the file (after its local header). */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const local = Buffer.alloc(30);
    await readExactly(this.handle, local, entry.localHeaderOffset, this.file);
    if (local.readUInt32LE(0) !== LOCAL) throw new ModelLoadError(`${this.file}: corrupt zip entry ${entry.name}.`);
    return entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
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
      const data = inflateRawSync(raw).subarray(offset, offset + length);
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

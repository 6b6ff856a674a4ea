/**
 * Test/bench helpers that write checkpoint files byte by byte: a stored zip, a torch-style state-dict pickle
 * (protocol 2, the opcodes torch.save emits) and safetensors.
 */
import { crc32 } from "node:zlib";

export interface RawTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A zip archive of stored (uncompressed) entries, as torch.save writes. */
export function zipStored(entries: { name: string; data: Uint8Array }[]): Buffer {
  return Buffer.concat(zipStoredChunks(entries));
}

/** The same archive as a list of chunks (views of the entries' data, nothing copied). */
export function zipStoredChunks(entries: { name: string; data: Uint8Array }[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    parts.push(local, nameBuf, data);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBuf.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cdBuf = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return [...parts, cdBuf, eocd];
}

/** Pickle opcode builder (enough for torch state dicts and for hostile pickles in tests). */
export class PickleWriter {
  private readonly bytes: number[] = [];
  op(code: number): this {
    this.bytes.push(code);
    return this;
  }
  proto(v = 2): this {
    return this.op(0x80).op(v);
  }
  mark(): this {
    return this.op(0x28);
  }
  str(s: string): this {
    const b = Buffer.from(s, "utf8");
    this.op(0x58);
    this.u32(b.length);
    this.bytes.push(...b);
    return this;
  }
  int(v: number): this {
    this.op(0x4a);
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.bytes.push(...b);
    return this;
  }
  global(module: string, name: string): this {
    this.op(0x63);
    this.bytes.push(...Buffer.from(`${module}\n${name}\n`, "latin1"));
    return this;
  }
  tuple(): this {
    return this.op(0x74);
  }
  reduce(): this {
    return this.op(0x52);
  }
  stop(): this {
    return this.op(0x2e);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
  private u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.bytes.push(...b);
  }
}

/**
 * torch.save(state_dict)-style pickle: every tensor is `_rebuild_tensor_v2(storage, offset, shape, stride, False,
 * OrderedDict())` with storage ('storage', torch.FloatStorage, key, 'cpu', numel). `views` lets a tensor be a
 * strided view into another storage.
 */
export function stateDictPickle(tensors: { name: string; key: string; numel: number; offset: number; shape: number[]; stride: number[] }[]): Uint8Array {
  const p = new PickleWriter().proto(2).op(0x7d).mark();
  for (const t of tensors) {
    p.str(t.name).global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().str("storage").global("torch", "FloatStorage").str(t.key).str("cpu").int(t.numel).tuple().op(0x51);
    p.int(t.offset);
    p.mark();
    for (const d of t.shape) p.int(d);
    p.tuple().mark();
    for (const s of t.stride) p.int(s);
    p.tuple().op(0x89).global("collections", "OrderedDict").op(0x29).reduce().tuple().reduce();
  }
  return p.op(0x75).stop().finish();
}

function contiguousStride(shape: number[]): number[] {
  const stride = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) stride[i] = stride[i + 1]! * shape[i + 1]!;
  return stride;
}

function f32Bytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A pytorch_model.bin (zip + pickle) holding the given float32 tensors. */
export function torchCheckpoint(tensors: RawTensor[], archive = "pytorch_model"): Buffer {
  return Buffer.concat(torchCheckpointChunks(tensors, archive));
}

export function torchCheckpointChunks(tensors: RawTensor[], archive = "pytorch_model"): Uint8Array[] {
  const entries = tensors.map((t, i) => ({ name: t.name, key: String(i), numel: t.data.length, offset: 0, shape: t.shape, stride: contiguousStride(t.shape) }));
  return zipStoredChunks([
    { name: `${archive}/data.pkl`, data: stateDictPickle(entries) },
    ...tensors.map((t, i) => ({ name: `${archive}/data/${i}`, data: f32Bytes(t.data) })),
    { name: `${archive}/version`, data: Buffer.from("3\n") },
  ]);
}

/** A model.safetensors holding the given float32 tensors. */
export function safetensors(tensors: RawTensor[]): Buffer {
  return Buffer.concat(safetensorsChunks(tensors));
}

export function safetensorsChunks(tensors: RawTensor[]): Uint8Array[] {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return [len, Buffer.from(json), ...tensors.map((t) => f32Bytes(t.data))];
}

/**
 * Streams a GraphBuilder to an `.onnx` file without materialising the whole model: the protobuf envelope
 * (ModelProto → GraphProto) is length-prefixed, and every initializer's length is known from its dims, so
 * the writer computes all lengths first and then writes nodes, then each initializer as soon as its bytes
 * are produced. Peak memory ≈ the largest single weight.
 *
 * Models whose weights exceed the 2 GB protobuf limit get ONNX external data: the weights go to
 * `<file>_data` (offsets aligned to 4 KiB) and the .onnx holds only the graph.
 */
import { open, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import type { GraphBuilder, InitTensor } from "./onnx-builder.js";
import { elementSize, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto, ValueInfoProto } from "./onnx-proto.js";
import { numel } from "./weights.js";

export interface WriteOptions {
  opset: number;
  producerVersion: string;
  /** Force (true) or forbid (false) external data; default: only when weights exceed ~1.9 GB. */
  externalData?: boolean;
  metadata?: Record<string, string>;
  /** File name recorded for external data (default `<basename(path)>_data`); the data is written to `<path>_data`. */
  dataLocation?: string;
}

const PROTOBUF_LIMIT = 1.9 * 1024 ** 3;
const ALIGN = 4096;

function varintLen(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** Field header for a length-delimited field. */
function lenField(field: number, length: number): Uint8Array {
  const tag = varint((field << 3) | 2);
  const len = varint(length);
  const out = new Uint8Array(tag.length + len.length);
  out.set(tag);
  out.set(len, tag.length);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

class Sink {
  private chunks: Uint8Array[] = [];
  private pending = 0;
  position = 0;
  constructor(private readonly handle: FileHandle) {}
  async write(bytes: Uint8Array): Promise<void> {
    this.position += bytes.byteLength;
    if (bytes.byteLength >= 1 << 20) {
      await this.flush();
      await writeAll(this.handle, bytes);
      return;
    }
    this.chunks.push(bytes);
    this.pending += bytes.byteLength;
    if (this.pending >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    await writeAll(this.handle, Buffer.concat(this.chunks));
    this.chunks = [];
    this.pending = 0;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done);
    done += bytesWritten;
  }
}

function byteLength(t: InitTensor): number {
  return numel(t.dims) * elementSize(t.dataType);
}

export async function writeModel(path: string, graph: GraphBuilder, options: WriteOptions): Promise<{ bytes: number; externalData?: string }> {
  const external = options.externalData ?? graph.weightBytes() > PROTOBUF_LIMIT;
  const dataName = options.dataLocation ?? `${basename(path)}_data`;

  // 1. Encode everything small; compute the size of each initializer record.
  const nodes = graph.nodes.map((n) => NodeProto.encode(NodeProto.fromObject(n)).finish());
  const inputs = graph.inputs.map((v) => ValueInfoProto.encode(ValueInfoProto.fromObject(v)).finish());
  const outputs = graph.outputs.map((v) => ValueInfoProto.encode(ValueInfoProto.fromObject(v)).finish());
  let dataOffset = 0;
  const inits = graph.initializers.map((t) => {
    const len = byteLength(t);
    const fields: Record<string, unknown> = { dims: t.dims, dataType: t.dataType, name: t.name };
    let offset = -1;
    if (external && len >= 1024) {
      offset = Math.ceil(dataOffset / ALIGN) * ALIGN;
      dataOffset = offset + len;
      fields.externalData = [
        { key: "location", value: dataName },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(len) },
      ].map((e) => StringStringEntryProto.fromObject(e));
      fields.dataLocation = 1;
    }
    const header = TensorProto.encode(TensorProto.fromObject(fields)).finish();
    const inline = offset < 0;
    const rawHeader = inline ? lenField(9, len) : new Uint8Array(0);
    const size = header.length + rawHeader.length + (inline ? len : 0);
    return { t, header, rawHeader, size, len, offset };
  });
  const graphName = new TextEncoder().encode("main_graph");
  const sized = (n: number): number => varintLen(n) + 1 + n; // tag (1 byte for fields < 16) + len + body
  let graphSize = sized(graphName.length);
  for (const n of nodes) graphSize += sized(n.length);
  for (const i of inits) graphSize += sized(i.size);
  for (const v of [...inputs, ...outputs]) graphSize += sized(v.length);

  const opset = OperatorSetIdProto.encode(OperatorSetIdProto.fromObject({ domain: "", version: options.opset })).finish();
  const head = ModelProto.encode(
    ModelProto.fromObject({
      irVersion: 9,
      producerName: "gliner-ts",
      producerVersion: options.producerVersion,
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    }),
  ).finish();

  // 2. Stream.
  const handle = await open(path, "w");
  const dataHandle = external ? await open(`${path}_data`, "w") : undefined;
  try {
    const sink = new Sink(handle);
    await sink.write(head);
    await sink.write(lenField(8, opset.length));
    await sink.write(opset);
    await sink.write(lenField(7, graphSize));
    for (const n of nodes) await sink.write(concat(lenField(1, n.length), n));
    await sink.write(lenField(2, graphName.length));
    await sink.write(graphName);
    let dataPos = 0;
    for (const i of inits) {
      await sink.write(lenField(5, i.size));
      await sink.write(i.header);
      const bytes = await i.t.bytes();
      if (bytes.byteLength !== i.len) throw new Error(`initializer ${i.t.name}: ${bytes.byteLength} bytes, expected ${i.len}`);
      if (i.offset < 0) {
        await sink.write(i.rawHeader);
        await sink.write(bytes);
      } else {
        if (i.offset > dataPos) await writeAll(dataHandle!, new Uint8Array(i.offset - dataPos));
        await writeAll(dataHandle!, bytes);
        dataPos = i.offset + i.len;
      }
    }
    for (const v of inputs) await sink.write(concat(lenField(11, v.length), v));
    for (const v of outputs) await sink.write(concat(lenField(12, v.length), v));
    await sink.flush();
    return external ? { bytes: sink.position, externalData: dataName } : { bytes: sink.position };
  } finally {
    await handle.close();
    await dataHandle?.close();
  }
}

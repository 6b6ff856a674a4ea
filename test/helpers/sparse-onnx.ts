/**
 * ONNX-shaped protobuf files of any size for the load-time walker (src/model/onnx-embedding.ts): a ModelProto
 * whose graph holds initializers with the given names and dims, their raw_data left as holes of a sparse file
 * (so a "1 GB" model costs a few KB of disk), or stored as external data (no payload in the file at all).
 */
import { open } from "node:fs/promises";

export interface SparseTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** Bytes of raw_data (a hole in the file); ignored with `external`. */
  readonly payloadBytes?: number;
  /** Stored as external data (data_location EXTERNAL + an external_data location entry). */
  readonly external?: boolean;
  /** dims as one packed field (proto3 style) instead of one field per dim. */
  readonly packedDims?: boolean;
}

/** Bytes, or a run of zero bytes never written (a hole). */
type Segment = Uint8Array | number;

export function varint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

const tag = (field: number, wire: number) => varint(field * 8 + wire);
const text = (s: string) => new TextEncoder().encode(s);
const lengthOf = (segments: readonly Segment[]) => segments.reduce<number>((n, s) => n + (typeof s === "number" ? s : s.length), 0);

/** A length-delimited field around `segments`. */
function message(field: number, segments: readonly Segment[]): Segment[] {
  return [tag(field, 2), varint(lengthOf(segments)), ...segments];
}

function tensor(t: SparseTensor): Segment[] {
  const dims = t.packedDims ? message(1, [Uint8Array.from(t.dims.flatMap((d) => [...varint(d)]))]) : t.dims.flatMap((d) => [tag(1, 0), varint(d)]);
  const head = [...dims, tag(2, 0), varint(1), ...message(8, [text(t.name)])];
  if (t.external) {
    const entry = [...message(1, [text("location")]), ...message(2, [text("model.onnx_data")])];
    return message(5, [...head, ...message(13, entry), tag(14, 0), varint(1)]);
  }
  const payload = t.payloadBytes ?? 0;
  return message(5, [...head, tag(9, 2), varint(payload), payload]);
}

/** The segments of a ModelProto (ir_version, graph with one node and the initializers, opset_import). */
export function sparseOnnxSegments(tensors: readonly SparseTensor[]): Segment[] {
  const node = message(1, [...message(1, [text(tensors[0]?.name ?? "x")]), ...message(1, [text("input_ids")]), ...message(2, [text("y")]), ...message(4, [text("Gather")])]);
  const graph = message(7, [...node, ...message(2, [text("synthetic")]), ...tensors.flatMap(tensor)]);
  return [tag(1, 0), varint(9), ...graph, ...message(8, [tag(2, 0), varint(19)])];
}

/** Writes the model to `path` (holes stay unwritten) and returns its size in bytes. */
export async function writeSparseOnnx(path: string, tensors: readonly SparseTensor[]): Promise<number> {
  const segments = sparseOnnxSegments(tensors);
  const handle = await open(path, "w");
  try {
    let at = 0;
    for (const s of segments) {
      if (typeof s !== "number") await handle.write(s, 0, s.length, at);
      at += typeof s === "number" ? s : s.length;
    }
    await handle.truncate(at);
    return at;
  } finally {
    await handle.close();
  }
}

/** The same model in memory, holes as zeros (small payloads only). */
export function sparseOnnxBytes(tensors: readonly SparseTensor[]): Uint8Array {
  const segments = sparseOnnxSegments(tensors);
  const out = new Uint8Array(lengthOf(segments));
  let at = 0;
  for (const s of segments) {
    if (typeof s !== "number") out.set(s, at);
    at += typeof s === "number" ? s : s.length;
  }
  return out;
}

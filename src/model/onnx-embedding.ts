/**
 * The text encoder's word-embedding rows, read from an ONNX file without decoding it: the walker reads only the
 * protobuf tags and lengths at positions and skips every payload (weights, nodes), so a 2 GB model costs a few
 * KB of reads. Field numbers from onnx/onnx.proto: ModelProto.graph = 7, GraphProto.initializer = 5,
 * TensorProto.dims = 1, TensorProto.name = 8 (raw_data, float_data, external_data… are skipped; an initializer
 * with external data still carries its dims).
 */
import { ModelLoadError } from "../errors.js";
import type { ByteSource, Runtime } from "../runtime/runtime.js";

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DIMS = 1;
const TENSOR_NAME = 8;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;
/** Bytes fetched per positional read: one tensor header (dims, data_type, name) fits. */
const WINDOW = 4096;
/** The most read ahead at once, while walking many small fields. */
const MAX_WINDOW = 1 << 20;
/** Longer names are no embedding's; a cap on what one field may make us read. */
const MAX_NAME_BYTES = 1024;
/** A bound on the work for a hostile file (a real graph has some thousands of nodes and initializers). */
const MAX_FIELDS = 2_000_000;

/** The word-embedding initializer the walker found. */
export interface EmbeddingTable {
  readonly name: string;
  readonly rows: number;
}

/**
 * The text encoder's token-embedding table: BERT/DeBERTa `…word_embeddings.weight`, ModernBERT
 * `…tok_embeddings.weight`, with the suffixes of fp16 and quantized variants (ours `.fp16`, ORT's `_quantized`).
 * A bi-encoder's labels encoder has its own table (and tokenizer): not this one.
 */
export function isTextEmbeddingName(name: string): boolean {
  return TABLE_NAME.test(name) && !/labels_encoder/.test(name);
}

/** A bi-encoder's labels-encoder table (in model.onnx's labels-as-tokens graph and in labels_encoder.onnx). */
export function isLabelsEmbeddingName(name: string): boolean {
  return TABLE_NAME.test(name) && /labels_encoder/.test(name);
}

const TABLE_NAME = /(?:^|[./])(?:word|tok)_embeddings\.weight(?:\.fp16|_fp16|_quantized)?$/;

/**
 * The text embedding's table in an ONNX model, or undefined when it cannot be told: no initializer named like
 * one (exports that renamed it, e.g. `onnx::Gather_123`), several with different rows, or a file the walker does
 * not understand (truncated, garbage, too many fields). Never throws: an unreadable file is ONNX Runtime's to refuse.
 */
export async function findTextEmbedding(source: ByteSource, isTable: (name: string) => boolean = isTextEmbeddingName): Promise<EmbeddingTable | undefined> {
  try {
    const cursor = new Cursor(source);
    const found: EmbeddingTable[] = [];
    for await (const graph of cursor.fields(0, source.size)) {
      if (graph.field !== MODEL_GRAPH || graph.wire !== WIRE_LENGTH) continue;
      for await (const init of cursor.fields(graph.at, graph.end)) {
        if (init.field !== GRAPH_INITIALIZER || init.wire !== WIRE_LENGTH) continue;
        const table = await tensorHeader(cursor, init.at, init.end);
        if (table !== undefined && isTable(table.name)) found.push(table);
      }
    }
    const rows = new Set(found.map((t) => t.rows));
    return rows.size === 1 ? found[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The tokenizer/model refusal: converting the checkpoint again would not help (the relex loader must not try). */
export class VocabularyMismatchError extends ModelLoadError {}

/**
 * Refuses a tokenizer that can produce ids past the ONNX model's embedding rows (a foreign or extended
 * tokenizer: such ids fail inside ONNX Runtime, or read another token's row on some backends). Returns the table
 * found, or undefined when the model's rows cannot be told (then nothing is refused).
 */
export async function checkEmbeddingRows(
  runtime: Runtime,
  located: { readonly name: string; readonly model: string | Uint8Array },
  tokenizerIds: number,
  description: string,
  { convertHint, labels = false }: { convertHint?: string | undefined; labels?: boolean } = {},
): Promise<EmbeddingTable | undefined> {
  const source = typeof located.model === "string" ? await runtime.openModelBytes?.(located.model).catch(() => undefined) : memoryByteSource(located.model);
  if (source === undefined) return undefined;
  const table = await findTextEmbedding(source, labels ? isLabelsEmbeddingName : isTextEmbeddingName).finally(() => source.close().catch(() => {}));
  if (table !== undefined && tokenizerIds > table.rows) {
    throw new VocabularyMismatchError(
      `The ${labels ? "labels tokenizer" : "tokenizer"} of ${description} (${labels ? "labels_encoder/tokenizer.json" : "tokenizer.json"}) produces ids up to ${tokenizerIds - 1}, but the word-embedding table ` +
        `"${table.name}" of ${located.name} has ${table.rows} rows (ids 0–${table.rows - 1}): the tokenizer does not belong to this ` +
        `model. ${convertHint ?? `Put the tokenizer.json (and tokenizer_config.json) the model was exported with next to it, or convert the checkpoint again together with its own tokenizer ("gliner-ts convert").`}`,
    );
  }
  return table;
}

/** A 2-D tensor's name and first dim (anything else: undefined). */
async function tensorHeader(cursor: Cursor, from: number, end: number): Promise<EmbeddingTable | undefined> {
  const dims: number[] = [];
  let name: string | undefined;
  for await (const f of cursor.fields(from, end)) {
    if (f.field === TENSOR_DIMS && f.wire === WIRE_VARINT) dims.push(f.value);
    else if (f.field === TENSOR_DIMS && f.wire === WIRE_LENGTH) {
      for (let at = f.at; at < f.end; ) {
        const v = await cursor.varint(at);
        dims.push(v.value);
        at = v.next;
      }
    } else if (f.field === TENSOR_NAME && f.wire === WIRE_LENGTH && f.end - f.at <= MAX_NAME_BYTES) {
      name = new TextDecoder().decode(await cursor.bytes(f.at, f.end - f.at));
    }
  }
  const rows = dims[0];
  return name !== undefined && dims.length === 2 && rows !== undefined && rows > 0 && Number.isSafeInteger(rows) ? { name, rows } : undefined;
}

interface Field {
  readonly field: number;
  readonly wire: number;
  /** Varint fields: the value. */
  readonly value: number;
  /** Length-delimited fields: the payload's range. */
  readonly at: number;
  readonly end: number;
}

/** Reads a ByteSource through one window of WINDOW bytes, refilled by positional reads. */
class Cursor {
  private window: Uint8Array = new Uint8Array(0);
  private start = 0;
  private visited = 0;
  private size = WINDOW;

  constructor(private readonly source: ByteSource) {}

  /** The fields of the message in [from, end); throws on anything malformed. */
  async *fields(from: number, end: number): AsyncGenerator<Field> {
    if (end > this.source.size) throw new RangeError("message past the end of the file");
    for (let at = from; at < end; ) {
      if (++this.visited > MAX_FIELDS) throw new RangeError("too many fields");
      const tag = await this.varint(at);
      const field = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      let next: number;
      let value = 0;
      let payload = tag.next;
      if (wire === WIRE_VARINT) ({ value, next } = await this.varint(tag.next));
      else if (wire === WIRE_FIXED64) next = tag.next + 8;
      else if (wire === WIRE_FIXED32) next = tag.next + 4;
      else if (wire === WIRE_LENGTH) {
        const length = await this.varint(tag.next);
        payload = length.next;
        next = length.next + length.value;
      } else throw new RangeError(`wire type ${wire}`);
      if (field === 0 || next > end) throw new RangeError("field past its message");
      yield { field, wire, value, at: payload, end: next };
      at = next;
    }
  }

  async varint(at: number): Promise<{ value: number; next: number }> {
    await this.ensure(at, 10);
    let value = 0;
    for (let i = 0; i < 10; i++) {
      const byte = this.window[at - this.start + i];
      if (byte === undefined) throw new RangeError("varint past the end");
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) throw new RangeError("varint beyond 2^53");
        return { value, next: at + i + 1 };
      }
    }
    throw new RangeError("varint longer than 10 bytes");
  }

  async bytes(at: number, length: number): Promise<Uint8Array> {
    await this.ensure(at, length);
    const offset = at - this.start;
    if (offset + length > this.window.length) throw new RangeError("bytes past the end");
    return this.window.subarray(offset, offset + length);
  }

  /** Makes [at, at + length) readable from the window (clipped at the end of the file). */
  private async ensure(at: number, length: number): Promise<void> {
    const wanted = Math.min(at + length, this.source.size);
    const end = this.start + this.window.length;
    if (at >= this.start && wanted <= end) return;
    if (at < 0 || at >= this.source.size) throw new RangeError("read past the end");
    // Many small fields in a row (the nodes, small initializers): read ahead further each time; a jump over a
    // large payload starts again from one tensor header's worth.
    this.size = at >= end && at - end < this.size ? Math.min(this.size * 4, MAX_WINDOW) : WINDOW;
    this.window = await this.source.read(at, Math.max(this.size, length));
    this.start = at;
  }
}

/** A ByteSource over bytes already in memory (the browser's model bytes). */
export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (position, length) => bytes.subarray(position, position + length),
    close: async () => {},
  };
}

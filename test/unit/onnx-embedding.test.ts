/**
 * The ONNX walker of the load-time vocabulary check (src/model/onnx-embedding.ts): it finds the text encoder's
 * embedding rows by reading tags and lengths only, agrees with a full protobuf decode on every committed
 * fixture, reads a few KB of a 1 GB file, and answers "unknown" (never throws) on a file it does not understand.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ModelProto } from "../../src/convert/onnx-proto.js";
import { findTextEmbedding, isLabelsEmbeddingName, isTextEmbeddingName, memoryByteSource } from "../../src/model/onnx-embedding.js";
import { nodeRuntime } from "../../src/runtime/node.js";
import type { ByteSource } from "../../src/runtime/runtime.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { sparseOnnxBytes, type SparseTensor, writeSparseOnnx } from "../helpers/sparse-onnx.js";

const MODELS = join(FIXTURES, "models");
const fixtureOnnx = readdirSync(MODELS).flatMap((m) => {
  const dir = join(MODELS, m, "onnx");
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".onnx")).map((f) => join(dir, f));
  } catch {
    return [];
  }
});

/** Counts what the walker reads. */
function counted(source: ByteSource): ByteSource & { bytesRead: number; reads: number } {
  const out = {
    size: source.size,
    bytesRead: 0,
    reads: 0,
    read: async (position: number, length: number) => {
      const bytes = await source.read(position, length);
      out.bytesRead += bytes.length;
      out.reads++;
      return bytes;
    },
    close: () => source.close(),
  };
  return out;
}

/** The text embedding as a full decode sees it (names as isTextEmbeddingName picks them). */
function decodedRows(bytes: Uint8Array): { name: string; rows: number }[] {
  const model = ModelProto.decode(bytes) as unknown as { graph: { initializer: { name: string; dims: (number | { toNumber(): number })[] }[] } };
  return model.graph.initializer.filter((t) => isTextEmbeddingName(t.name)).map((t) => ({ name: t.name, rows: Number(t.dims[0]) }));
}

describe("ONNX embedding walker", () => {
  test("names: the text encoder's table in fp32, fp16 and quantized exports, not the labels encoder's", () => {
    for (const name of [
      "core.token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight",
      "token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight.fp16",
      "token_rep_layer.bert_layer.model.embeddings.tok_embeddings.weight",
      "token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight_quantized",
      "m.encoder.embeddings.word_embeddings.weight",
      "word_embeddings.weight",
    ]) {
      assert.ok(isTextEmbeddingName(name), name);
    }
    for (const name of [
      "core.token_rep_layer.labels_encoder.model.embeddings.word_embeddings.weight",
      "bi.labels_encoder.model.embeddings.word_embeddings.weight",
      "encoder.rel_embeddings.weight",
      "embeddings.position_embeddings.weight",
      "word_embeddings.weight_scale",
      "onnx::Gather_123",
    ]) {
      assert.ok(!isTextEmbeddingName(name), name);
    }
  });

  test("every committed fixture ONNX: the walker's rows are the full decode's", async () => {
    assert.ok(fixtureOnnx.length >= 8, `fixtures: ${fixtureOnnx.length}`);
    for (const file of fixtureOnnx) {
      const bytes = new Uint8Array(readFileSync(file));
      const expected = decodedRows(bytes)[0];
      const found = await findTextEmbedding(memoryByteSource(bytes));
      if (file.endsWith("labels_encoder.onnx")) {
        assert.equal(found, undefined, file);
        assert.equal((await findTextEmbedding(memoryByteSource(bytes), isLabelsEmbeddingName))?.rows, 3042, file);
      }
      else assert.deepEqual(found, expected, file);
      const source = await nodeRuntime().openModelBytes!(file);
      assert.deepEqual(await findTextEmbedding(source), found, `${file} through the file handle`);
      await source.close();
    }
  });

  test("dims packed or not, raw data or external data; several tables with different rows are unknown", async () => {
    const emb = (extra: Partial<SparseTensor>): SparseTensor => ({ name: "enc.embeddings.word_embeddings.weight", dims: [128004, 768], ...extra });
    for (const extra of [{ payloadBytes: 64 }, { packedDims: true, payloadBytes: 64 }, { external: true }]) {
      const bytes = sparseOnnxBytes([{ name: "a", dims: [3], payloadBytes: 12 }, emb(extra)]);
      assert.deepEqual(decodedRows(bytes), [{ name: "enc.embeddings.word_embeddings.weight", rows: 128004 }], "the helper writes valid ONNX");
      assert.deepEqual(await findTextEmbedding(memoryByteSource(bytes)), { name: "enc.embeddings.word_embeddings.weight", rows: 128004 }, JSON.stringify(extra));
    }
    const twoTables = sparseOnnxBytes([emb({}), { name: "other.word_embeddings.weight", dims: [500, 768] }]);
    assert.equal(await findTextEmbedding(memoryByteSource(twoTables)), undefined);
    const noTable = sparseOnnxBytes([{ name: "onnx::Gather_7", dims: [128004, 768] }]);
    assert.equal(await findTextEmbedding(memoryByteSource(noTable)), undefined);
  });

  test("truncated, garbage and unreadable files are unknown, never an exception", async () => {
    const bytes = new Uint8Array(readFileSync(fixtureOnnx.find((f) => f.includes("token-level") && f.endsWith("model.onnx"))!));
    // Every cut inside the graph's header and tensor headers, and a sample through the payloads.
    const cuts = [0, 1, 2, 3, 5, 8, 13, 100, 1000, 4095, 4096, 4097, bytes.length >> 1, bytes.length - 1];
    for (let cut = 0; cut < 400; cut++) cuts.push(cut);
    for (const cut of cuts) {
      assert.equal(await findTextEmbedding(memoryByteSource(bytes.subarray(0, cut))), undefined, `cut at ${cut}`);
    }
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 256;
    for (let n = 0; n < 200; n++) {
      const garbage = Uint8Array.from({ length: 1 + (n * 37) % 3000 }, random);
      assert.equal(await findTextEmbedding(memoryByteSource(garbage)), undefined, `garbage ${n}`);
    }
    const endless = Uint8Array.from([0x3a, ...new Array<number>(20).fill(0xff)]); // graph length: a 20-byte varint
    assert.equal(await findTextEmbedding(memoryByteSource(endless)), undefined);
    const failing: ByteSource = { size: 1 << 20, read: () => Promise.reject(new Error("EIO")), close: async () => {} };
    assert.equal(await findTextEmbedding(failing), undefined);
  });

  describe("a 1 GB model (sparse file)", () => {
    let dir: string;
    let path: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "gliner-walker-"));
      path = join(dir, "model.onnx");
      const layer = (i: number): SparseTensor => ({ name: `encoder.layer.${i}.attention.self.query.weight`, dims: [1024, 1024], payloadBytes: 4 * 2 ** 20 });
      await writeSparseOnnx(path, [
        { name: "token_rep_layer.labels_encoder.model.embeddings.word_embeddings.weight", dims: [30522, 768], payloadBytes: 30522 * 768 * 4 },
        ...Array.from({ length: 100 }, (_, i) => layer(i)),
        { name: "token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight", dims: [250104, 1024], payloadBytes: 250104 * 1024 * 2 },
        ...Array.from({ length: 60 }, (_, i) => layer(100 + i)),
      ]);
    });
    after(() => rm(dir, { recursive: true, force: true }));

    test("the rows come from a few KB of positional reads", async () => {
      const source = counted(await nodeRuntime().openModelBytes!(path));
      assert.ok(source.size > 2 ** 30, `size ${source.size}`);
      assert.deepEqual(await findTextEmbedding(source), { name: "token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight", rows: 250104 });
      await source.close();
      // One window per initializer header and one per payload's end: nothing near the file's size.
      assert.ok(source.reads <= 2 * 163 + 4, `reads ${source.reads}`);
      assert.ok(source.bytesRead < 2 * 2 ** 20, `read ${source.bytesRead} bytes`);
    });
  });
});

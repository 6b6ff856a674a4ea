/**
 * The load-time vocabulary check's cost: `npx tsx bench/vocab-check.ts [--runs 20] [--out bench/results/vocab-check.json]`.
 *
 * Times finding the text embedding's rows (open the file, walk the protobuf's tags and lengths, close) on the
 * largest committed fixture ONNX (no ../shared needed) and on a synthetic 1.25 GB model (a sparse file written by
 * test/helpers/sparse-onnx.ts: 163 initializers, the embedding a 512 MB table in the middle). The peer, in the
 * same process: reading the whole file once (what the check avoids). Median of `runs`; a shared machine is noisy.
 */
import { createReadStream, mkdirSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findTextEmbedding } from "../src/model/onnx-embedding.js";
import { nodeRuntime } from "../src/runtime/node.js";
import { type SparseTensor, writeSparseOnnx } from "../test/helpers/sparse-onnx.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    out: { type: "string", default: join(ROOT, "bench", "results", "vocab-check.json") },
  },
});
const runs = Number(values.runs);
const runtime = nodeRuntime();

async function check(path: string): Promise<number> {
  const started = performance.now();
  const source = await runtime.openModelBytes!(path);
  const table = await findTextEmbedding(source).finally(() => source.close());
  if (table === undefined) throw new Error(`no embedding found in ${path}`);
  return performance.now() - started;
}

async function readWhole(path: string): Promise<number> {
  const started = performance.now();
  for await (const _chunk of createReadStream(path, { highWaterMark: 4 << 20 }));
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function measure(name: string, path: string, peerRuns: number) {
  const checkMs: number[] = [];
  const readMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    checkMs.push(await check(path));
    if (i < peerRuns) readMs.push(await readWhole(path));
  }
  const row = { name, bytes: statSync(path).size, checkMs: median(checkMs), readWholeMs: median(readMs) };
  console.log(`${name}: ${(row.bytes / 2 ** 20).toFixed(1)} MiB, check ${row.checkMs.toFixed(2)} ms, whole read ${row.readWholeMs.toFixed(1)} ms (whole read / check: ${(row.readWholeMs / row.checkMs).toFixed(1)})`);
  return row;
}

const largest = join(ROOT, "test", "fixtures", "models", "gliner2-span", "onnx", "model.onnx");
const dir = await mkdtemp(join(tmpdir(), "gliner-vocab-bench-"));
try {
  const synthetic = join(dir, "model.onnx");
  const layer = (i: number): SparseTensor => ({ name: `encoder.layer.${i}.attention.self.query.weight`, dims: [1024, 1024], payloadBytes: 4 << 20 });
  await writeSparseOnnx(synthetic, [
    { name: "token_rep_layer.labels_encoder.model.embeddings.word_embeddings.weight", dims: [30522, 768], payloadBytes: 30522 * 768 * 4 },
    ...Array.from({ length: 100 }, (_, i) => layer(i)),
    { name: "token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight", dims: [250104, 1024], payloadBytes: 250104 * 1024 * 2 },
    ...Array.from({ length: 60 }, (_, i) => layer(100 + i)),
  ]);
  const rows = [await measure("largest fixture (gliner2-span)", largest, runs), await measure("synthetic 1.25 GB", synthetic, 3)];
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ runs, note: "shared 2-core machine; medians", rows }, null, 2)}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

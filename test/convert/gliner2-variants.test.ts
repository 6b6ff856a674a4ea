/**
 * The three counting_layer variants (count_lstm, count_lstm_v2, count_lstm_moe), on tiny random checkpoints
 * built here: the count_embed graph against a plain TypeScript reference, and whole converted models where
 * they must agree — a sample alone vs in a padded batch (masks), and the count/classification heads, which do
 * not depend on the counting layer, across variants.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { convertCheckpoint } from "../../src/convert/index.js";
import { countEmbedding } from "../../src/convert/count-embed.js";
import type { Weights } from "../../src/convert/deberta.js";
import type { CountingLayer } from "../../src/convert/gliner2-config.js";
import { GraphBuilder } from "../../src/convert/onnx-builder.js";
import { DataType } from "../../src/convert/onnx-proto.js";
import { writeModel } from "../../src/convert/onnx-writer.js";
import { countEmbedReference, type Tensors } from "./count-embed-reference.js";
import { gliner2HeadSpecs, normalGenerator, writeGliner2Checkpoint } from "./synthetic-gliner2.js";

const LAYERS: CountingLayer[] = ["count_lstm", "count_lstm_v2", "count_lstm_moe"];
const work = mkdtempSync(join(tmpdir(), "gliner2-variants-"));
after(() => rmSync(work, { recursive: true, force: true }));

function tensorsFor(layer: CountingLayer, dim: number): Tensors {
  const randn = normalGenerator(11);
  const map = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const t of gliner2HeadSpecs(dim, layer, 0.3).filter((s) => s.name.startsWith("count_embed."))) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    map.set(t.name, { shape: t.shape, data: typeof t.init === "number" ? randn(n, t.init) : new Float32Array(n).fill(t.init === "one" ? 1 : 0) });
  }
  return map;
}

function weightsOf(tensors: Tensors): Weights {
  return {
    has: (name) => tensors.has(name),
    get: (name, shape) => {
      const t = tensors.get(name);
      if (!t) throw new Error(`no ${name}`);
      if (shape) assert.deepEqual([...t.shape], [...shape], name);
      return { name, dtype: "F32", shape: t.shape, read: async () => t.data.slice() };
    },
  };
}

// 2 samples × 2 tasks × up to 3 fields: 3, 2, 1 real fields and one padded task (no real field).
const REAL = [[3, 2], [1, 0]];

for (const layer of LAYERS) {
  test(`${layer}: the count_embed graph equals the TypeScript reference for every real field and count step`, async () => {
    const D = 16;
    const tensors = tensorsFor(layer, D);
    const g = new GraphBuilder("fp32");
    const fields = g.input("fields", DataType.FLOAT, ["b", "t", "f", D]);
    const mask = g.input("field_mask", DataType.BOOL, ["b", "t", "f"]);
    g.rename(countEmbedding(g, weightsOf(tensors), layer, fields, mask, D), "out");
    g.output("out", DataType.FLOAT, [20, "b", "t", "f", D]);
    const path = join(work, `${layer}-count-embed.onnx`);
    await writeModel(path, g, { opset: 19, producerVersion: "test" });

    const x = normalGenerator(5)(2 * 2 * 3 * D, 1);
    const m = REAL.flatMap((row) => row.flatMap((n) => [0, 1, 2].map((f) => (f < n ? 1 : 0))));
    const session = await ort.InferenceSession.create(path);
    const { out } = await session.run({ fields: new ort.Tensor("float32", x, [2, 2, 3, D]), field_mask: new ort.Tensor("bool", Uint8Array.from(m), [2, 2, 3]) });
    const got = out!.data as Float32Array;
    assert.deepEqual(out!.dims, [20, 2, 2, 3, D]);
    assert.ok(got.every(Number.isFinite), "no NaN/inf, padded task included");
    let worst = 0;
    for (let b = 0; b < 2; b++)
      for (let t = 0; t < 2; t++) {
        const n = REAL[b]![t]!;
        if (n === 0) continue;
        const X = Array.from({ length: n }, (_, f) => Array.from(x.subarray((((b * 2 + t) * 3 + f) * D), (((b * 2 + t) * 3 + f + 1) * D))));
        const ref = countEmbedReference(tensors, layer, X);
        for (let s = 0; s < 20; s++)
          for (let f = 0; f < n; f++)
            for (let d = 0; d < D; d++) worst = Math.max(worst, Math.abs(got[((((s * 2 + b) * 2 + t) * 3 + f) * D) + d]! - ref[s]![f]![d]!));
      }
    console.log(`# ${layer} count_embed vs reference: max |Δ| ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-4, `max |Δ| ${worst}`);
  });
}

interface Sample {
  ids: number[];
  words: number[];
  tasks: number[][]; // per task: [P] position, then field marker positions
}
const SAMPLES: Sample[] = [
  { ids: [5, 9, 14, 3, 22, 7, 41, 8, 60, 2, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], words: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], tasks: [[1, 3, 5, 7], [2, 4]] },
  { ids: [6, 33, 9, 44, 2, 70, 71, 72, 73, 74, 75, 76, 77, 78], words: [8, 9, 10, 11, 12, 13], tasks: [[1, 3]] },
];

/** Feeds for a right-padded batch of samples (the layout the GLiNER2 runtime builds). */
function batch(samples: Sample[]): Record<string, ort.Tensor> {
  const S = Math.max(...samples.map((s) => s.ids.length));
  const L = Math.max(...samples.map((s) => s.words.length));
  const T = Math.max(...samples.map((s) => s.tasks.length));
  const F1 = Math.max(...samples.flatMap((s) => s.tasks.map((t) => t.length)));
  const i64 = (values: number[], dims: number[]) => new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), dims);
  const pad = (v: number[], n: number) => [...v, ...new Array<number>(n - v.length).fill(0)];
  const taskRows = (s: Sample) => Array.from({ length: T }, (_, t) => s.tasks[t] ?? []);
  return {
    input_ids: i64(samples.flatMap((s) => pad(s.ids, S)), [samples.length, S]),
    attention_mask: i64(samples.flatMap((s) => pad(s.ids.map(() => 1), S)), [samples.length, S]),
    word_idx: i64(samples.flatMap((s) => pad(s.words, L)), [samples.length, L]),
    word_mask: new ort.Tensor("bool", Uint8Array.from(samples.flatMap((s) => pad(s.words.map(() => 1), L))), [samples.length, L]),
    schema_idx: i64(samples.flatMap((s) => taskRows(s).flatMap((t) => pad(t, F1))), [samples.length, T, F1]),
    schema_mask: new ort.Tensor("bool", Uint8Array.from(samples.flatMap((s) => taskRows(s).flatMap((t) => pad(t.map(() => 1), F1)))), [samples.length, T, F1]),
  };
}

/** Max |Δ| between a sample's meaningful outputs run alone and as row `b` of the batch. */
function aloneVsBatch(alone: ort.InferenceSession.OnnxValueMapType, full: ort.InferenceSession.OnnxValueMapType, b: number, s: Sample): number {
  const at = (t: ort.Tensor, idx: number[]): number => {
    let flat = 0;
    idx.forEach((v, i) => (flat = flat * (t.dims[i] as number) + v));
    return (t.data as Float32Array)[flat]!;
  };
  const [A, Bt] = [alone, full].map((r) => ({ count: r.count_logits as ort.Tensor, cls: r.cls_logits as ort.Tensor, span: r.span_logits as ort.Tensor }));
  const slots = Math.min(A!.span.dims[2] as number, Bt!.span.dims[2] as number);
  const W = A!.span.dims[5] as number;
  let worst = 0;
  const cmp = (x: number, y: number) => (worst = Math.max(worst, Math.abs(x - y)));
  s.tasks.forEach((task, t) => {
    for (let k = 0; k < 20; k++) cmp(at(A!.count, [0, t, k]), at(Bt!.count, [b, t, k]));
    for (let f = 0; f < task.length - 1; f++) {
      cmp(at(A!.cls, [0, t, f]), at(Bt!.cls, [b, t, f]));
      for (let c = 0; c < slots; c++)
        for (let l = 0; l < s.words.length; l++)
          for (let w = 0; w < W && l + w < s.words.length; w++) cmp(at(A!.span, [0, t, c, f, l, w]), at(Bt!.span, [b, t, c, f, l, w]));
    }
  });
  return worst;
}

test("converted tiny models of every variant: a sample alone equals its row of a padded batch; count and classification heads agree across variants", async () => {
  const shape = { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocab: 100, buckets: 16 };
  const outputs = new Map<CountingLayer, ort.InferenceSession.OnnxValueMapType>();
  for (const layer of LAYERS) {
    const dir = join(work, layer);
    writeGliner2Checkpoint(dir, shape, layer, { std: 0.2, maxWidth: 4 });
    const result = await convertCheckpoint(dir, join(dir, "converted"));
    assert.deepEqual(result.unusedTensors, []);
    const session = await ort.InferenceSession.create(result.modelPath);
    const full = await session.run(batch(SAMPLES));
    assert.equal((full.span_logits as ort.Tensor).dims[5], 4, "max_width from config.json");
    for (const [b, sample] of SAMPLES.entries()) {
      const d = aloneVsBatch(await session.run(batch([sample])), full, b, sample);
      assert.ok(d <= 1e-4, `${layer} sample ${b}: alone vs batch max |Δ| ${d}`);
    }
    outputs.set(layer, full);
  }
  const [first, ...rest] = LAYERS.map((l) => outputs.get(l)!);
  for (const other of rest) {
    for (const name of ["count_logits", "cls_logits"]) {
      assert.deepEqual((other[name] as ort.Tensor).data, (first![name] as ort.Tensor).data, `${name} does not depend on counting_layer`);
    }
    const a = (first!.span_logits as ort.Tensor).data as Float32Array;
    const b = (other.span_logits as ort.Tensor).data as Float32Array;
    assert.ok(a.some((v, i) => Math.abs(v - b[i]!) > 1e-3), "span logits do depend on it");
  }
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { readFileSync } from "node:fs";
import { convertCheckpoint } from "../src/convert/index.js";
const src = "/work/wt/i19-convert/test/fixtures/models/gliner2-span";
const out = mkdtempSync(join(tmpdir(), "g2-"));
const t0 = Date.now();
const r = await convertCheckpoint(src, out, { dtype: (process.argv[2] ?? "fp32") as "fp32" });
console.log("converted", Date.now() - t0, "ms", r.files, r.unusedTensors);
const mine = await ort.InferenceSession.create(r.modelPath);
const ref = await ort.InferenceSession.create(join(src, "onnx/model.onnx"));
console.log(mine.inputNames, mine.outputNames);
const golden = JSON.parse(readFileSync("/work/wt/i19-convert/test/fixtures/golden/gliner2-span.json", "utf8"));
type N = number | boolean | N[];
const flat = (x: N): number[] => (Array.isArray(x) ? x.flatMap(flat) : [Number(x)]);
const dims = (x: N): number[] => (Array.isArray(x) ? [x.length, ...dims(x[0]!)] : []);
let worst: Record<string, number> = {};
for (const c of golden.cases) for (const b of c.batches) {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(b.inputs as Record<string, N>)) {
    feeds[k] = k.endsWith("mask") && k !== "attention_mask" ? new ort.Tensor("bool", Uint8Array.from(flat(v)), dims(v)) : new ort.Tensor("int64", BigInt64Array.from(flat(v).map(BigInt)), dims(v));
  }
  const a = await mine.run(feeds); const e = await ref.run(feeds);
  const line: string[] = [c.id];
  for (const k of ["count_logits", "cls_logits", "span_logits"]) {
    const x = a[k]!.data as Float32Array, y = e[k]!.data as Float32Array, gd = flat(b.outputs[k]);
    if (a[k]!.dims.join() !== e[k]!.dims.join()) { line.push(`${k} SHAPE ${a[k]!.dims} vs ${e[k]!.dims}`); continue; }
    let d = 0, dg = 0; for (let i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i]! - y[i]!)); dg = Math.max(dg, Math.abs(x[i]! - gd[i]!)); }
    if (Number.isNaN(d)) d = Infinity;
    worst[k] = Math.max(worst[k] ?? 0, d); worst[k+"_g"] = Math.max(worst[k+"_g"] ?? 0, dg);
    line.push(`${k} ref ${d.toExponential(2)} golden ${dg.toExponential(2)}`);
  }
  console.log(line.join(" | "));
}
console.log(worst);

/**
 * fp16 (weight-only float16) and the int8 dtypes (q8, int8, uint8: dynamic quantisation of the encoder's Linear
 * layers): file names, sizes, weight types, logits close to the golden ones, and the entities of the golden
 * cases' texts kept (src/convert/quality.ts against the fp32 conversion).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { convertCheckpoint, ONNX_FILE } from "../../src/convert/index.js";
import { DataType, ModelProto } from "../../src/convert/onnx-proto.js";
import { compareModels } from "../../src/convert/quality.js";
import { GLiNER } from "../../src/node.js";
import { FIXTURES, flatten, goldenCases, logits, maxAbsDiff } from "./golden-run.js";

const work = mkdtempSync(join(tmpdir(), "gliner-dtypes-"));
after(() => rmSync(work, { recursive: true, force: true }));

// Observed on the random fixture models: fp16 ≤ 1.3e-2, int8 dtypes ≤ 2.5e-2 (logits up to ~10 in magnitude).
const TOLERANCE = { fp16: 0.05, q8: 0.08, int8: 0.08, uint8: 0.08 } as const;
/** Weight type of the MatMulInteger operands per int8 dtype (u8 activations always). */
const WEIGHT_TYPE = { q8: DataType.INT8, int8: DataType.INT8, uint8: DataType.UINT8 } as const;
/**
 * Entity agreement with the fp32 conversion on the fixture corpus, at threshold 0.5. The random fixture models
 * score everything within a few hundredths of 0.5 and overlapping spans within 1e-3 of each other, so the
 * flat-NER selection flips on the int8 dtypes' many small errors (fp16's are fewer): observed 0.45–0.81 for
 * q8 / int8 / uint8 (one text per run), 0.99+ for fp16 (docs/convert.md). A broken quantisation scores ≈ 0.
 */
const MIN_AGREEMENT = { fp16: 0.99, q8: 0.4, int8: 0.4, uint8: 0.4 } as const;
/** Largest |q| of the signed weights: q8 keeps 7 bits so AVX2's saturating u8×s8 pairs cannot overflow. */
const SIGNED_LIMIT = { q8: 63, int8: 127 } as const;

interface Initializer {
  name: string;
  dataType: number;
  rawData?: Uint8Array;
}
function graphOf(path: string) {
  return ModelProto.toObject(ModelProto.decode(readFileSync(path)), { arrays: true }) as { graph: { node: { opType: string; input: string[] }[]; initializer: Initializer[] } };
}

/** The golden cases' texts with their labels: the fixture corpus. */
function fixtureCorpus(model: string): { texts: string[]; labels: string[][] } {
  const file = JSON.parse(readFileSync(join(FIXTURES, "golden", `${model}.json`), "utf8")) as { cases: { call: { texts?: string[]; labels: string[] } }[] };
  const texts: string[] = [];
  const labels: string[][] = [];
  for (const c of file.cases) {
    for (const text of c.call.texts ?? []) {
      if (text.trim() === "") continue;
      texts.push(text);
      labels.push(c.call.labels);
    }
  }
  return { texts, labels };
}

for (const model of ["span-markerv0", "token-level"]) {
  const source = join(FIXTURES, "models", model);
  const fp32Out = join(work, `${model}-fp32`);
  const fp32 = convertCheckpoint(source, fp32Out, { dtype: "fp32" });
  for (const dtype of ["fp16", "q8", "int8", "uint8"] as const) {
    test(`${model} ${dtype}: smaller file, logits within ${TOLERANCE[dtype]} of the golden logits, the fixture corpus's entities kept`, async () => {
      const out = join(work, `${model}-${dtype}`);
      const result = await convertCheckpoint(source, out, { dtype });
      assert.equal(result.modelPath, join(out, "onnx", ONNX_FILE[dtype]));
      const size = statSync(result.modelPath).size;
      const fp32Size = statSync(join(source, "onnx", "model.onnx")).size;
      assert.ok(size < 0.6 * fp32Size, `${dtype} file ${size} B vs fp32 ${fp32Size} B`);
      const { graph } = graphOf(result.modelPath);
      const ops = new Set(graph.node.map((n) => n.opType));
      if (dtype === "fp16") {
        assert.ok(!ops.has("MatMulInteger"));
      } else {
        for (const op of ["DynamicQuantizeLinear", "MatMulInteger"]) assert.ok(ops.has(op), `${dtype} graph uses ${op}`);
        const inits = new Map(graph.initializer.map((i) => [i.name, i]));
        const weights = graph.node.filter((n) => n.opType === "MatMulInteger").map((n) => inits.get(n.input[1] as string) as Initializer);
        assert.ok(weights.length > 0 && weights.every((w) => w.dataType === WEIGHT_TYPE[dtype]), `${dtype} weights are ${WEIGHT_TYPE[dtype]}`);
        if (dtype !== "uint8") {
          const values = weights.flatMap((w) => Array.from(new Int8Array(w.rawData!.buffer, w.rawData!.byteOffset, w.rawData!.byteLength)));
          assert.equal(Math.max(...values.map(Math.abs)), SIGNED_LIMIT[dtype], "the per-column range is used to its limit, never beyond");
          assert.ok(graph.node.filter((n) => n.opType === "MatMulInteger").every((n) => n.input.length === 3), "symmetric weights: no weight zero point");
        }
      }

      const session = await ort.InferenceSession.create(result.modelPath);
      let worst = 0;
      for (const c of goldenCases(model)) {
        if (c.inputs === null || c.logits === null) continue; // no model call for empty texts
        const got = await logits(session, c.inputs);
        worst = Math.max(worst, maxAbsDiff(got.data as Float32Array, flatten(c.logits)));
      }
      await session.release();
      assert.ok(worst <= TOLERANCE[dtype], `max |Δ| ${worst}`);

      await fp32;
      const corpus = fixtureCorpus(model);
      const quality = await compareModels({ folder: fp32Out, onnxFile: `onnx/${ONNX_FILE.fp32}` }, { folder: out, onnxFile: `onnx/${ONNX_FILE[dtype]}` }, { ...corpus, threshold: 0.5, batchSize: 1 });
      console.log(`# ${model} ${dtype}: ${size} bytes, max |Δ| vs golden ${worst.toExponential(2)}, vs fp32 ${quality.maxAbsLogitDiff.toExponential(2)}; entities ${JSON.stringify(quality)}`);
      assert.ok(quality.referenceEntities >= 20, `the fixture corpus has entities at 0.5 (${quality.referenceEntities})`);
      assert.ok(quality.agreement >= MIN_AGREEMENT[dtype], `entity agreement ${quality.agreement}`);
    });
  }
}

test("a hub-style model_quantized.onnx (uint8 weights with zero points, as onnxruntime's quantizer writes) loads with dtype q8", async () => {
  const out = join(work, "hub-style");
  const converted = await convertCheckpoint(join(FIXTURES, "models", "span-markerv0"), out, { dtype: "uint8" });
  renameSync(converted.modelPath, join(out, "onnx", ONNX_FILE.q8));
  const model = await GLiNER.fromPretrained(out, { dtype: "q8" });
  const text = "Bill Gates and Paul Allen founded Microsoft in Albuquerque on April 4, 1975.";
  const entities = await model.predictEntities(text, ["person", "organization", "location", "date"], { threshold: 0.5 });
  await model.dispose();
  assert.ok(entities.length > 0 && entities.every((e) => text.slice(e.start, e.end) === e.text), JSON.stringify(entities));
});

/**
 * The fp32 / int8 pair `npm run bench` compares: the model folder's own int8 file when it has one (e.g. the
 * hub's onnx/model_quantized.onnx), else a random-weight twin of the model's encoder shape, converted from one
 * synthetic checkpoint to fp32 and to the int8 dtype, in a temporary folder removed afterwards.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertCheckpoint, ONNX_FILE } from "../src/convert/index.js";
import { compareModels, type QualityReport } from "../src/convert/quality.js";
import { announce, BenchSetupError, ROOT } from "./setup.js";
import { type ModelShape, writeSyntheticCheckpoint } from "./synthetic-model.js";

export interface Int8Pair {
  folder: string;
  fp32: string;
  int8: string;
  origin: string;
  quality: QualityReport;
  cleanup(): Promise<void>;
}

export async function int8Pair(model: string, fp32File: string, dtype: string, texts: string[], labels: string[]): Promise<Int8Pair> {
  const file = ONNX_FILE[dtype as keyof typeof ONNX_FILE];
  if (file === undefined || dtype === "fp32" || dtype === "fp16") throw new BenchSetupError(`--int8 must be q8, int8, uint8 or none; got ${dtype}.`);
  if (existsSync(join(model, "onnx", file))) {
    announce("int8 model", `${join(model, "onnx", file)} (the model folder's own), against ${fp32File}`);
    const quality = await compareModels({ folder: model, onnxFile: fp32File }, { folder: model, onnxFile: `onnx/${file}` }, { texts, labels, threshold: "auto" });
    return { folder: model, fp32: fp32File, int8: `onnx/${file}`, origin: "model folder", quality, cleanup: async () => {} };
  }
  const config = JSON.parse(readFileSync(join(model, "gliner_config.json"), "utf8")) as { hidden_size: number; span_mode?: string; encoder_config?: Record<string, number> };
  const enc = config.encoder_config;
  if (config.span_mode !== "token_level" || enc === undefined) {
    throw new BenchSetupError(`${model} has no ${file} and is not a token-level DeBERTa model the twin can copy; give --int8 none.`);
  }
  const shape: ModelShape = {
    layers: enc.num_hidden_layers!,
    hidden: enc.hidden_size!,
    heads: enc.num_attention_heads!,
    intermediate: enc.intermediate_size!,
    vocab: 0,
    gliner: config.hidden_size,
  };
  const dir = mkdtempSync(join(tmpdir(), "gliner-bench-twin-"));
  const cleanup = async () => rmSync(dir, { recursive: true, force: true });
  try {
    const src = join(dir, "checkpoint");
    const out = join(dir, "model");
    mkdirSync(src);
    writeSyntheticCheckpoint(src, shape, join(ROOT, "test", "fixtures", "models", "token-level"), { tokenizerFrom: model });
    await convertCheckpoint(src, out, { dtype: "fp32" });
    await convertCheckpoint(src, out, { dtype: dtype as "q8" });
    rmSync(src, { recursive: true, force: true });
    announce("int8 model", `${model} has no ${file}: a random-weight twin of its shape (${JSON.stringify(shape)}) converted to fp32 and ${dtype} in ${out}`);
    const quality = await compareModels({ folder: out, onnxFile: `onnx/${ONNX_FILE.fp32}` }, { folder: out, onnxFile: `onnx/${file}` }, { texts, labels, threshold: "auto" });
    return { folder: out, fp32: `onnx/${ONNX_FILE.fp32}`, int8: `onnx/${file}`, origin: "random twin", quality, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

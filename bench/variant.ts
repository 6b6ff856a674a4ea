/**
 * One benchmark variant in a child process (bench/throughput.ts): load, warm up, run the corpus, time each
 * text alone, then replay every `InferenceSession.run` of the corpus run on the same session with the same
 * tensors — the raw floor, with nothing of gliner-ts around it.
 */
import { basename, dirname, join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import type { SessionOptions } from "../src/runtime/runtime.js";

export interface VariantConfig {
  model: string;
  onnxFile: string;
  texts: string[];
  labels: string[];
  latencyTexts: number;
}

export interface VariantResult {
  seconds: number;
  /** Time inside `InferenceSession.run` during the corpus run (0 with worker threads: not timed here). */
  runSeconds: number;
  runs: number;
  /** The same runs replayed on the bare session; null with worker threads. */
  floorSeconds: number | null;
  cpuSeconds: number;
  entities: number;
  latenciesMs: number[];
  peakRssMB: number;
}

// onnxruntime-node's InferenceSession, shared by both engines (GLiNER.js's copy is overridden to ours):
// time every run and keep its inputs for the replay.
type Run = ort.InferenceSession["run"];
const proto = (ort.InferenceSession as unknown as { prototype: { run: Run } }).prototype;
const originalRun = proto.run;
let recording = false;
let runSeconds = 0;
const recorded: { session: ort.InferenceSession; args: Parameters<Run> }[] = [];
proto.run = async function (this: ort.InferenceSession, ...args: Parameters<Run>) {
  const start = performance.now();
  try {
    return await originalRun.apply(this, args);
  } finally {
    if (recording) {
      runSeconds += (performance.now() - start) / 1000;
      recorded.push({ session: this, args });
    }
  }
} as Run;

type Predict = { batch(texts: string[]): Promise<number>; single(text: string): Promise<unknown> };

/** `ours:8:t2:nospin` → batch size and session options; bare `ours` sets nothing. */
export function parseOurs(spec: string): { batchSize: number | "auto"; session: SessionOptions } {
  const [, ...parts] = spec.split(":");
  let batchSize: number | "auto" = "auto";
  const session: SessionOptions = {};
  for (const part of parts) {
    if (part === "spin" || part === "nospin") session.allowSpinning = part === "spin";
    else if (/^t\d+$/.test(part)) session.intraOpNumThreads = Number(part.slice(1));
    else if (/^i\d+$/.test(part)) session.interOpNumThreads = Number(part.slice(1));
    else if (/^w\d+$/.test(part)) session.workers = Number(part.slice(1));
    else if (part === "auto" || /^\d+$/.test(part)) batchSize = part === "auto" ? "auto" : Number(part);
    else throw new Error(`unknown part "${part}" in "${spec}"`);
  }
  return { batchSize, session };
}

async function oursEngine(spec: string, config: VariantConfig): Promise<Predict> {
  const { GLiNER } = await import("../src/node.js");
  const { batchSize, session } = parseOurs(spec);
  const model = await GLiNER.fromPretrained(config.model, { onnxFile: config.onnxFile, ...(Object.keys(session).length > 0 ? { session } : {}) });
  return {
    async batch(texts) {
      let entities = 0;
      if (batchSize === "auto") {
        for await (const result of model.stream(texts, config.labels)) entities += result.entities.length;
      } else {
        for (const list of await model.batchPredictEntities(texts, config.labels, { batchSize })) entities += list.length;
      }
      return entities;
    },
    single: (text) => model.predictEntities(text, config.labels),
  };
}

async function glinerJsEngine(spec: string, config: VariantConfig): Promise<Predict> {
  const peerBatch = Number(spec.split(":")[1] ?? 8);
  const { env } = await import("@xenova/transformers");
  const { Gliner } = await import("gliner/node");
  const dir = resolve(config.model);
  env.localModelPath = `${dirname(dir)}/`;
  env.allowRemoteModels = false;
  const modelConfig = JSON.parse(readFileSync(join(dir, "gliner_config.json"), "utf8")) as { span_mode?: string; max_width?: number };
  const gliner = new Gliner({
    tokenizerPath: basename(dir),
    onnxSettings: { modelPath: join(dir, config.onnxFile) },
    modelType: modelConfig.span_mode === "token_level" ? "token-level" : "span-level",
    maxWidth: modelConfig.max_width ?? 12,
    transformersSettings: { allowLocalModels: true, useBrowserCache: false },
  });
  await gliner.initialize();
  const call = (texts: string[]) => gliner.inference({ texts, entities: config.labels, threshold: 0.5, flatNer: true });
  return {
    async batch(texts) {
      let entities = 0;
      for (let i = 0; i < texts.length; i += peerBatch) for (const list of await call(texts.slice(i, i + peerBatch))) entities += list.length;
      return entities;
    },
    single: (text) => call([text]),
  };
}

export async function runVariant(spec: string, config: VariantConfig): Promise<VariantResult> {
  const predict = spec.startsWith("glinerjs") ? await glinerJsEngine(spec, config) : await oursEngine(spec, config);
  await predict.batch(config.texts.slice(0, 4)); // warm-up: first runs allocate and tune
  recording = true;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const entities = await predict.batch(config.texts);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  recording = false;
  const latenciesMs: number[] = [];
  for (const text of config.texts.slice(0, config.latencyTexts)) {
    const t = performance.now();
    await predict.single(text);
    latenciesMs.push(performance.now() - t);
  }
  let floorSeconds: number | null = null;
  if (recorded.length > 0) {
    const t = performance.now();
    for (const { session, args } of recorded) await originalRun.apply(session, args);
    floorSeconds = (performance.now() - t) / 1000;
  }
  return {
    seconds,
    runSeconds,
    runs: recorded.length,
    floorSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    entities,
    latenciesMs,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

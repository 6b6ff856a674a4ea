/**
 * How much a reduced-precision ONNX file (int8, fp16) changes a model's outputs, measured against the fp32
 * file of the same model on the same texts: both run through the whole pipeline with identical options, so
 * every session run sees identical input tensors (batch planning is deterministic), and
 * - max |Δ logit|: the largest difference between the raw logits of corresponding runs;
 * - entity agreement: entities equal in (text, start, end, label), as 2·common / (reference + candidate) —
 *   1 when both find the same entities, also when both find none (the counts are reported beside it).
 * Random-weight test models score every span near 0.5, so a fixed threshold finds all or nothing there:
 * `threshold: "auto"` lowers the threshold through the quantiles of the reference's logits until the reference
 * finds about one entity per text (the threshold used is reported).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ModelLoadError } from "../errors.js";
import { GLiNER } from "../node.js";
import { nodeRuntime } from "../runtime/node.js";
import type { FloatTensor, Runtime, Session } from "../runtime/runtime.js";
import type { Entity } from "../types.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

export interface QualityReport {
  readonly texts: number;
  /** Session runs compared. */
  readonly runs: number;
  readonly maxAbsLogitDiff: number;
  readonly referenceEntities: number;
  readonly candidateEntities: number;
  /** Entities both found (same text, offsets and label). */
  readonly commonEntities: number;
  /** 2·common / (reference + candidate); 1 when both are 0. */
  readonly agreement: number;
  readonly threshold: number;
}

/** A few sentences of the kinds GLiNER is used on, when the caller has no corpus of its own. */
export const PROBE_TEXTS = [
  "Bill Gates and Paul Allen founded Microsoft in Albuquerque, New Mexico, on April 4, 1975.",
  "Angela Merkel met Emmanuel Macron in Berlin on Tuesday to discuss the European Union budget.",
  "The Eiffel Tower, designed by Gustave Eiffel's company, opened in Paris for the 1889 World's Fair.",
  "Dr. Maria Garcia joined Pfizer's oncology unit in Boston after ten years at the Mayo Clinic.",
  "Apple unveiled the iPhone 15 at its Cupertino headquarters in September 2023, says Reuters.",
  "Lionel Messi scored twice as Inter Miami beat Orlando City 3-1 in the Leagues Cup on Friday.",
  "The Treaty of Versailles was signed on 28 June 1919 in the Hall of Mirrors.",
  "Amazon Web Services opened a new data centre region in Jakarta, Indonesia, in December 2021.",
];
export const PROBE_LABELS = ["person", "organization", "location", "date", "event", "product"];

/** Records every session run's outputs, in call order. */
function recordingRuntime(inner: Runtime, log: FloatTensor[][]): Runtime {
  return {
    ...inner,
    async createSession(model, options): Promise<Session> {
      const session = await inner.createSession(model, options);
      return {
        ...session,
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        async run(feeds, outputs) {
          const result = await session.run(feeds, outputs);
          log.push(outputs.map((name) => result[name] as FloatTensor));
          return result;
        },
        release: () => session.release(),
      };
    },
  };
}

type Labels = readonly string[] | readonly (readonly string[])[];

async function runAll({ folder, onnxFile }: ModelRef, texts: readonly string[], labels: Labels, threshold: number | "auto", batchSize: number) {
  const runs: FloatTensor[][] = [];
  const model = await GLiNER.fromPretrained(folder, { onnxFile, runtime: recordingRuntime(nodeRuntime(), runs), session: { workers: 1 } });
  try {
    const predict = (t: number) => model.batchPredictEntities(texts, labels, { threshold: t, batchSize });
    let used = threshold === "auto" ? DEFAULT_THRESHOLD : threshold;
    let entities = await predict(used);
    const logged = runs.length;
    // auto: lower the threshold through the logit quantiles until about one entity per text is found.
    for (const q of threshold === "auto" ? AUTO_QUANTILES : []) {
      if (entities.flat().length >= texts.length) break;
      used = sigmoidOfQuantile(runs.slice(0, logged), q);
      entities = await predict(used);
    }
    runs.length = logged;
    return { runs, entities, threshold: used };
  } finally {
    await model.dispose();
  }
}

const AUTO_QUANTILES = [0.999, 0.99, 0.95, 0.9, 0.75, 0.5];

/** sigmoid of the q-quantile of all logits, to 4 decimals. */
function sigmoidOfQuantile(runs: FloatTensor[][], q: number): number {
  const all = Float32Array.from(runs.flatMap((outputs) => outputs.flatMap((t) => Array.from(t.data)))).sort();
  const logit = all[Math.min(all.length - 1, Math.floor(all.length * q))] ?? 0;
  return Math.round(10000 / (1 + Math.exp(-logit))) / 10000;
}

const entityKey = (text: number, e: Entity) => `${text}:${e.start}:${e.end}:${e.label}`;

export interface CompareOptions {
  texts?: readonly string[];
  /** One list for all texts, or one per text. */
  labels?: Labels;
  threshold?: number | "auto";
  /**
   * Passes per session run (default 8). int8 activations are quantised per run, so what else is in a batch
   * changes an int8 model's outputs slightly; 1 makes the comparison independent of batching.
   */
  batchSize?: number;
}

/** An ONNX file of a model folder (the folder's config and tokenizer go with it). */
export interface ModelRef {
  readonly folder: string;
  /** Relative to the folder, e.g. "onnx/model.onnx". */
  readonly onnxFile: string;
}

/**
 * Runs `candidate` and `reference` on `texts` (default: PROBE_TEXTS with PROBE_LABELS; `labels` may be one
 * list per text) and compares their logits and entities.
 */
export async function compareModels(
  reference: ModelRef,
  candidate: ModelRef,
  options: CompareOptions = {},
): Promise<QualityReport> {
  const batchSize = options.batchSize ?? 8;
  const texts = options.texts ?? PROBE_TEXTS;
  const labels = options.labels ?? PROBE_LABELS;
  const ref = await runAll(reference, texts, labels, options.threshold ?? DEFAULT_THRESHOLD, batchSize);
  const threshold = ref.threshold;
  const cand = await runAll(candidate, texts, labels, threshold, batchSize);
  const name = (m: ModelRef) => `${m.folder}/${m.onnxFile}`;
  if (ref.runs.length !== cand.runs.length) {
    throw new ModelLoadError(`${name(candidate)} ran ${cand.runs.length} batches where ${name(reference)} ran ${ref.runs.length}; they are not the same model.`);
  }
  let maxAbsLogitDiff = 0;
  ref.runs.forEach((outputs, r) => {
    outputs.forEach((a, o) => {
      const b = cand.runs[r]![o]!;
      if (a.data.length !== b.data.length) throw new ModelLoadError(`${name(candidate)} and ${name(reference)} give outputs of different shapes.`);
      for (let i = 0; i < a.data.length; i++) maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(a.data[i]! - b.data[i]!));
    });
  });
  const refKeys = new Set(ref.entities.flatMap((list, t) => list.map((e) => entityKey(t, e))));
  const candKeys = new Set(cand.entities.flatMap((list, t) => list.map((e) => entityKey(t, e))));
  const common = [...candKeys].filter((k) => refKeys.has(k)).length;
  return {
    texts: texts.length,
    runs: ref.runs.length,
    maxAbsLogitDiff,
    referenceEntities: refKeys.size,
    candidateEntities: candKeys.size,
    commonEntities: common,
    agreement: refKeys.size + candKeys.size === 0 ? 1 : (2 * common) / (refKeys.size + candKeys.size),
    threshold,
  };
}

/**
 * The converter's own check of an int8 (or fp16) file: converts the same source to fp32 in a temporary folder
 * with `convertFp32(folder)` and compares `converted` with it on PROBE_TEXTS (or `texts`).
 */
export async function checkAgainstFp32(
  converted: string,
  convertFp32: (folder: string) => Promise<{ modelPath: string }>,
  options: CompareOptions = {},
): Promise<QualityReport> {
  const tmp = await mkdtemp(join(tmpdir(), "gliner-ts-check-"));
  try {
    const reference = await convertFp32(tmp);
    const folderOf = (modelPath: string) => join(modelPath, "..", "..");
    return await compareModels(
      { folder: tmp, onnxFile: relative(tmp, reference.modelPath) },
      { folder: folderOf(converted), onnxFile: relative(folderOf(converted), converted) },
      options,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

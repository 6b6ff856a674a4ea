/**
 * A whole NER benchmark run: every dataset folder in turn, results written after each one (resumable),
 * the average over all of them at the end.
 */
import type { GLiNER } from "../gliner.js";
import { InvalidInputError } from "../errors.js";
import { readNerDataset } from "./ner-data.js";
import { evaluateNerDataset } from "./ner-eval.js";
import { buildResults, type DatasetScores, type NerResults, resumableDatasets, type RunSettings, writeResults } from "./results.js";

export interface NerRunOptions {
  readonly settings: RunSettings;
  /** Dataset folders, in the order to run them. */
  readonly folders: readonly string[];
  readonly batchSize: number;
  /** Results file; without it nothing is written and nothing is resumed. */
  readonly output?: string;
  /** Ignore an earlier results file instead of resuming it. */
  readonly restart?: boolean;
  /** A dataset is about to run (`sentences` after `limit`), or was `skipped` because an earlier run finished it. */
  readonly onDataset?: (event: { name: string; sentences: number; skipped: boolean }) => void;
  readonly onProgress?: (sentencesDone: number) => void;
  readonly onDatasetDone?: (scores: DatasetScores, seconds: number) => void;
}

export async function runNerBenchmark(model: GLiNER, options: NerRunOptions): Promise<NerResults> {
  const { settings } = options;
  const earlier = options.output !== undefined && !options.restart ? await resumableDatasets(options.output, settings) : [];
  const done = new Map(earlier.map((d) => [d.name, d]));
  const datasets = await Promise.all(options.folders.map((folder) => readNerDataset(folder, settings.limit ?? undefined)));
  const names = datasets.map((d) => d.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new InvalidInputError("data", `two dataset folders are named "${duplicate}"; names must be unique.`);

  const finished: DatasetScores[] = [];
  for (const dataset of datasets) {
    const previous = done.get(dataset.name);
    options.onDataset?.({ name: dataset.name, sentences: dataset.sentences.length, skipped: previous !== undefined });
    if (previous !== undefined) {
      finished.push(previous);
      continue;
    }
    const started = Date.now();
    let reported = 0;
    const result = await evaluateNerDataset(model, dataset, {
      threshold: settings.threshold,
      tokenScore: settings.tokenScore,
      flatNer: flatNerFor(dataset.name),
      batchSize: options.batchSize,
      onProgress: (sentences) => {
        options.onProgress?.(sentences - reported);
        reported = sentences;
      },
    });
    const scores: DatasetScores = {
      name: result.name,
      sentences: result.sentences,
      precision: result.precision,
      recall: result.recall,
      f1: result.f1,
      gold: result.gold,
      predicted: result.predicted,
      correct: result.correct,
      truncatedSentences: result.truncatedSentences,
    };
    finished.push(scores);
    if (options.output !== undefined) await writeResults(options.output, buildResults(settings, finished));
    options.onDatasetDone?.(scores, (Date.now() - started) / 1000);
  }
  const results = buildResults(settings, finished);
  if (options.output !== undefined) await writeResults(options.output, results);
  return results;
}

/** The reference's `get_for_one_path`: nested NER for ACE, GENIA and "Corpus" datasets, flat for every other. */
export function flatNerFor(name: string): boolean {
  return !/ACE|GENIA|Corpus/.test(name);
}

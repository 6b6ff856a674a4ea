/**
 * The NER results file (`--output results.json`) and the printed table. The file is rewritten after every
 * finished dataset, so a crash or Ctrl-C loses only the dataset in progress; a rerun with the same settings
 * skips the datasets already there.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { InvalidInputError } from "../errors.js";
import { meanScores, type Scores } from "./metrics.js";

export interface DatasetScores extends Scores {
  readonly name: string;
  readonly sentences: number;
  /** Distinct gold / predicted / correct (sentence, start, end, label) items. */
  readonly gold: number;
  readonly predicted: number;
  readonly correct: number;
  /** Sentences longer than the model's max_len (only their first max_len words were read). */
  readonly truncatedSentences: number;
}

/** What makes two runs comparable: a rerun resumes only when all of these agree. */
export interface RunSettings {
  readonly model: string;
  readonly dtype: string;
  readonly threshold: number;
  /** Token-level span score rule ("min" unless asked otherwise; no effect on span models). */
  readonly tokenScore: "min" | "mean";
  /** Sentences per dataset, null for all. */
  readonly limit: number | null;
}

export interface NerResults extends RunSettings {
  readonly datasets: readonly DatasetScores[];
  /** Arithmetic mean over the datasets, as the reference's "Average" row. */
  readonly average: Scores;
}

export function buildResults(settings: RunSettings, datasets: readonly DatasetScores[]): NerResults {
  return { ...settings, datasets, average: meanScores(datasets) };
}

/** The finished datasets of an earlier run with the same settings; [] when there is no file. */
export async function resumableDatasets(path: string, settings: RunSettings): Promise<DatasetScores[]> {
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch {
    return [];
  }
  let earlier: Partial<NerResults>;
  try {
    earlier = JSON.parse(content) as Partial<NerResults>;
  } catch {
    throw new InvalidInputError("output", `${path} exists but is not a results file (invalid JSON); remove it or pick another --output.`);
  }
  if (!Array.isArray(earlier.datasets)) {
    throw new InvalidInputError("output", `${path} exists but is not a results file (no "datasets"); remove it or pick another --output.`);
  }
  const differing = (Object.keys(settings) as (keyof RunSettings)[]).filter((key) => earlier[key] !== settings[key]);
  if (differing.length > 0) {
    const what = differing.map((key) => `${key} ${JSON.stringify(earlier[key])} there, ${JSON.stringify(settings[key])} now`).join("; ");
    throw new InvalidInputError(
      "output",
      `${path} holds results of another run (${what}). Pass --restart to overwrite it, or pick another --output.`,
    );
  }
  return [...earlier.datasets];
}

/** Writes through a temporary file and a rename, so the results file is never half written. */
export async function writeResults(path: string, results: NerResults): Promise<void> {
  const temporary = `${path}.partial`;
  await writeFile(temporary, `${JSON.stringify(results, null, 2)}\n`, "utf8");
  await rename(temporary, path);
}

/** The seed's table: one row per dataset and the average, percentages with two decimals. */
export function formatTable(results: NerResults): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const width = Math.max(7, ...results.datasets.map((d) => d.name.length));
  const row = (cells: string[]) =>
    [cells[0]?.padEnd(width), ...cells.slice(1).map((c, i) => c.padStart(i === 0 ? 9 : 10))].join("  ");
  const lines = [
    row(["Dataset", "Sentences", "Precision", "Recall", "F1"]),
    ...results.datasets.map((d) => row([d.name, String(d.sentences), pct(d.precision), pct(d.recall), pct(d.f1)])),
    row(["Average", "", pct(results.average.precision), pct(results.average.recall), pct(results.average.f1)]),
  ];
  const rule = "-".repeat(lines[0]?.length ?? 0);
  return [lines[0], rule, ...lines.slice(1, -1), rule, lines.at(-1)].join("\n");
}

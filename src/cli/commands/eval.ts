/**
 * `gliner-ts eval`: benchmark a model.
 * - NER (default): every dataset folder under `--data` (test.jsonl + labels.json), scored exactly as GLiNER's
 *   evaluator does; prints the seed's table, writes `--output results.json` after each dataset (resumable).
 * - `--task relations`: strict triple P/R/F1 on a relation dataset folder (e.g. CoNLL04).
 * - `--task qa`: SQuAD exact match and token F1 on a SQuAD-format JSONL file.
 */
import type { Command } from "commander";
import { InvalidInputError } from "../../errors.js";
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { answererFor, relationExtractorFor } from "../../eval/adapters.js";
import { findNerDatasets } from "../../eval/ner-data.js";
import { evaluateQa, readSquadJsonl } from "../../eval/qa.js";
import { evaluateRelations, readRelationDataset } from "../../eval/relations.js";
import { formatTable } from "../../eval/results.js";
import { runNerBenchmark } from "../../eval/run-ner.js";
import type { GLiNER } from "../../node.js";
import { checkOneOf } from "../../validate.js";
import { loadModelFromFlags, type ModelFlags, parseInteger, parseList, parseNumber, progressBar, withModelFlags } from "../io.js";
import { DEFAULT_THRESHOLD } from "../../defaults.js";

export interface EvalFlags extends ModelFlags {
  data?: string;
  task: string;
  output?: string;
  limit?: number;
  batchSize: number;
  threshold: number;
  entityThreshold?: number;
  tokenScore: string;
  datasets?: string[];
  restart?: boolean;
  progress?: boolean;
}

const TASKS = ["ner", "relations", "qa"];
/** The seed's table: GLiNER's zero-shot benchmark (`--datasets zero-shot`). */
const ZERO_SHOT_BENCHMARK = ["CrossNER_AI", "CrossNER_literature", "CrossNER_music", "CrossNER_politics", "CrossNER_science", "mit-movie", "mit-restaurant"];

export function registerEvalCommand(program: Command): void {
  withModelFlags(
    program
      .command("eval")
      .description("benchmark a model: zero-shot NER P/R/F1 per dataset (as GLiNER's evaluator), relation or QA metrics"),
  )
    .requiredOption("-d, --data <path>", "NER: a dataset folder (test.jsonl + labels.json) or a folder of them; relations: a dataset folder; qa: a SQuAD-format JSONL file")
    .option("--task <task>", `what to evaluate: ${TASKS.join(", ")}`, "ner")
    .option("-o, --output <file>", "write the results as JSON here (NER: after every dataset; a rerun resumes)")
    .option("--limit <n>", "evaluate only the first n examples of each dataset", parsePositive)
    .option("-b, --batch-size <n>", "examples per model call (12 as the reference evaluator)", parsePositive, 12)
    .option("-t, --threshold <p>", "keep spans with probability above this", parseNumber, DEFAULT_THRESHOLD)
    .option("--entity-threshold <p>", "relations: threshold of the NER step (default: --threshold)", parseNumber)
    .option("--token-score <rule>", "NER, token-level models: span score min (current GLiNER) or mean (GLiNER <= 0.2.16, the 2024 model cards)", "min")
    .option("--datasets <list>", "NER: only these dataset folders (comma-separated names; zero-shot = the 7 of the seed's table)", parseList)
    .option("--restart", "ignore an earlier --output file instead of resuming it")
    .option("--no-progress", "no progress on stderr (a bar on a terminal, else a line every 5 s; a summary at the end)")
    .action(async (flags: EvalFlags) => runEval(flags));
}

async function runEval(flags: EvalFlags): Promise<void> {
  if (!TASKS.includes(flags.task)) {
    throw new InvalidInputError("task", `--task must be one of ${TASKS.join(", ")}; got "${flags.task}".`);
  }
  const data = flags.data as string;
  if (flags.task === "ner") return runNer(flags, data);
  return flags.task === "relations" ? runRelations(flags, data) : runQa(flags, data);
}

async function runNer(flags: EvalFlags, data: string): Promise<void> {
  let folders = await findNerDatasets(data);
  if (flags.datasets !== undefined) {
    const names = flags.datasets.flatMap((name) => (name === "zero-shot" ? ZERO_SHOT_BENCHMARK : [name]));
    const wanted = new Set(names);
    const missing = names.filter((name) => !folders.some((f) => basename(f) === name));
    if (missing.length > 0) {
      throw new InvalidInputError(
        "datasets",
        `no dataset folder named ${missing.map((m) => `"${m}"`).join(", ")} in ${data}; found ${folders.map((f) => basename(f)).join(", ")}.`,
      );
    }
    folders = folders.filter((f) => wanted.has(basename(f)));
  }
  const tokenScore = checkOneOf(flags.tokenScore, ["min", "mean"], "--token-score");
  const model = await loadModelFromFlags(flags);
  const settings = {
    model: flags.model,
    dtype: flags.onnxFile ?? flags.dtype ?? "fp32",
    threshold: flags.threshold,
    tokenScore,
    limit: flags.limit ?? null,
  };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let bar: ReturnType<typeof progressBar> | undefined;
  try {
    const results = await runNerBenchmark(model, {
      settings,
      folders,
      batchSize: flags.batchSize,
      ...(flags.output === undefined ? {} : { output: flags.output }),
      restart: flags.restart === true,
      onDataset: ({ name, sentences, skipped }) => {
        if (skipped) return log(`${name}: already in ${flags.output}, skipped (--restart to redo)`);
        log(`${name}: ${sentences} sentences`);
        bar = progressBar(sentences, flags.progress !== false, "gliner-ts eval");
      },
      onProgress: (n) => bar?.increment(n),
      onDatasetDone: (scores, seconds) => {
        bar?.stop();
        const truncated = scores.truncatedSentences > 0 ? `; ${scores.truncatedSentences} sentences cut to the model's maxLength` : "";
        log(`${scores.name}: F1 ${(100 * scores.f1).toFixed(2)}% in ${seconds.toFixed(1)} s${truncated}`);
      },
    });
    process.stdout.write(`${formatTable(results)}\n`);
  } finally {
    bar?.stop();
    await model.dispose();
  }
}

async function runRelations(flags: EvalFlags, folder: string): Promise<void> {
  const dataset = await readRelationDataset(folder, flags.limit);
  const thresholds = { entity: flags.entityThreshold ?? flags.threshold, relation: flags.threshold };
  const results = await withModel(flags, dataset.sentences.length, (model, progress) =>
    evaluateRelations(
      dataset,
      relationExtractorFor(model, { threshold: thresholds.relation, entityThreshold: thresholds.entity, batchSize: flags.batchSize }),
      { onProgress: progress },
    ),
  );
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(
    `${dataset.name} (${results.sentences} sentences)\n` +
      `strict      P ${pct(results.strict.precision)}  R ${pct(results.strict.recall)}  F1 ${pct(results.strict.f1)}  (${results.strict.correct} of ${results.strict.predicted} predicted, ${results.strict.gold} gold)\n` +
      `boundaries  P ${pct(results.boundaries.precision)}  R ${pct(results.boundaries.recall)}  F1 ${pct(results.boundaries.f1)}\n`,
  );
  await writeOutput(flags, { task: "relations", thresholds, limit: flags.limit ?? null, ...results });
}

async function runQa(flags: EvalFlags, path: string): Promise<void> {
  const examples = await readSquadJsonl(path, flags.limit);
  const results = await withModel(flags, examples.length, (model, progress) =>
    evaluateQa(examples, answererFor(model, { threshold: flags.threshold, batchSize: flags.batchSize }), { onProgress: progress }),
  );
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(`${basename(path)} (${results.questions} questions, ${results.answerable} answerable)\nexact match ${pct(results.exactMatch)}  F1 ${pct(results.f1)}\n`);
  await writeOutput(flags, { task: "qa", data: path, threshold: flags.threshold, limit: flags.limit ?? null, ...results });
}

/** Loads the model, shows a progress bar over `total` examples, and always releases both. */
async function withModel<T>(flags: EvalFlags, total: number, run: (model: GLiNER, progress: (done: number) => void) => Promise<T>): Promise<T> {
  const model = await loadModelFromFlags(flags);
  const bar = progressBar(total, flags.progress !== false, "gliner-ts eval");
  let shown = 0;
  try {
    return await run(model, (done) => {
      bar.increment(done - shown);
      shown = done;
    });
  } finally {
    bar.stop();
    await model.dispose();
  }
}

async function writeOutput(flags: EvalFlags, body: Record<string, unknown>): Promise<void> {
  if (flags.output === undefined) return;
  const output = { model: flags.model, dtype: flags.onnxFile ?? flags.dtype ?? "fp32", ...body };
  await writeFile(flags.output, `${JSON.stringify(output, null, 2)}\n`, "utf8");
}

function parsePositive(value: string): number {
  const n = parseInteger(value);
  if (n < 1) throw new InvalidInputError("flag", `expected a positive integer, got "${value}"`);
  return n;
}

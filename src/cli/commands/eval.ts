/**
 * `gliner-ts eval`: benchmark a model.
 * - NER (default): every dataset folder under `--data` (test.jsonl + labels.json), scored exactly as GLiNER's
 *   evaluator does; prints the seed's table, writes `--output results.json` after each dataset (resumable).
 * - `--task relations`: strict triple P/R/F1 on a relation dataset folder (e.g. CoNLL04).
 * - `--task qa`: SQuAD exact match and token F1 on a SQuAD-format JSONL file.
 */
import type { Command } from "commander";
import { InvalidInputError } from "../../errors.js";
import { findNerDatasets } from "../../eval/ner-data.js";
import { formatTable } from "../../eval/results.js";
import { runNerBenchmark } from "../../eval/run-ner.js";
import { loadModelFromFlags, type ModelFlags, parseInteger, parseList, parseNumber, progressBar, withModelFlags } from "../io.js";
import { basename } from "node:path";

export interface EvalFlags extends ModelFlags {
  data?: string;
  task: string;
  output?: string;
  limit?: number;
  batchSize: number;
  threshold: number;
  datasets?: string[];
  restart?: boolean;
  progress?: boolean;
}

const TASKS = ["ner", "relations", "qa"];

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
    .option("-t, --threshold <p>", "keep spans with probability above this", parseNumber, 0.5)
    .option("--datasets <list>", "NER: only these dataset folders (comma-separated names)", parseList)
    .option("--restart", "ignore an earlier --output file instead of resuming it")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (flags: EvalFlags) => runEval(flags));
}

async function runEval(flags: EvalFlags): Promise<void> {
  if (!TASKS.includes(flags.task)) {
    throw new InvalidInputError("task", `--task must be one of ${TASKS.join(", ")}; got "${flags.task}".`);
  }
  const data = flags.data as string;
  if (flags.task === "ner") return runNer(flags, data);
  throw new InvalidInputError("task", `--task ${flags.task} is not available yet.`);
}

async function runNer(flags: EvalFlags, data: string): Promise<void> {
  let folders = await findNerDatasets(data);
  if (flags.datasets !== undefined) {
    const wanted = new Set(flags.datasets);
    const missing = flags.datasets.filter((name) => !folders.some((f) => basename(f) === name));
    if (missing.length > 0) {
      throw new InvalidInputError(
        "datasets",
        `no dataset folder named ${missing.map((m) => `"${m}"`).join(", ")} in ${data}; found ${folders.map((f) => basename(f)).join(", ")}.`,
      );
    }
    folders = folders.filter((f) => wanted.has(basename(f)));
  }
  const model = await loadModelFromFlags(flags);
  const settings = {
    model: flags.model,
    dtype: flags.onnxFile ?? flags.dtype ?? "fp32",
    threshold: flags.threshold,
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
        bar = progressBar(sentences, flags.progress !== false && process.stderr.isTTY === true);
      },
      onProgress: (n) => bar?.increment(n),
      onDatasetDone: (scores, seconds) => {
        bar?.stop();
        const truncated = scores.truncatedSentences > 0 ? `; ${scores.truncatedSentences} sentences cut to the model's max_len` : "";
        log(`${scores.name}: F1 ${(100 * scores.f1).toFixed(2)}% in ${seconds.toFixed(1)} s${truncated}`);
      },
    });
    process.stdout.write(`${formatTable(results)}\n`);
  } finally {
    bar?.stop();
    await model.dispose();
  }
}

function parsePositive(value: string): number {
  const n = parseInteger(value);
  if (n < 1) throw new InvalidInputError("flag", `expected a positive integer, got "${value}"`);
  return n;
}

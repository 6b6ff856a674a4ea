/**
 * `gliner-ts batch`: a JSONL corpus → one result line per document, resumable. In this process by default;
 * with `--queue redis://…` the documents go to BullMQ and `gliner-ts worker` processes (any number, any machine)
 * run them while this process collects the results. `gliner-ts batch status` shows a queue's runs and workers.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { runLocalBatch, type BatchSummary } from "../../batch/local.js";
import { formatSeconds, type ProgressMode } from "../../batch/progress.js";
import { type BatchSettings, DEFAULT_SETTINGS, getTask, parseSettings, TASKS } from "../../batch/tasks.js";
import { InvalidInputError } from "../../errors.js";
import { QueueError } from "../../queue/connection.js";
import { runDistributedBatch } from "../../queue/producer.js";
import { printQueueStatus } from "../../queue/status.js";
import { DEFAULT_QUEUE_NAME } from "../../queue/names.js";
import { EXIT } from "../exit.js";
import { TASK_SPECS } from "../../index.js";
import { GLINER2_TASK_SPECS } from "../../tasks/registry.js";
import { DEFAULT_GLINER2_MODEL, DEFAULT_MODEL, loadGliner2FromFlags, loadModelFromFlags, type ModelFlags, parseInteger, parseNumber, withModelFlags } from "../io.js";
import { addSchemaFlags, givenFields, sharedTaskFields } from "../task-flags.js";

interface BatchFlags extends ModelFlags {
  task: string;
  input?: string;
  output?: string;
  deadLetters?: string;
  schema?: string;
  chunkSize: number;
  queue?: string;
  queueName: string;
  run?: string;
  attempts: number;
  backoff: number;
  maxPending: number;
  connectTimeout: number;
  progress?: boolean;
  /** The task fields (labels, threshold, question, batchSize, ...: see {@link TASK_FLAGS}). */
  [field: string]: unknown;
}

/**
 * The task fields of every batch task as flags, generated from the registry's schemas as the task commands' are
 * (task-flags.ts); `--schema` (a file here), `--chunk-size` (documents per write) and the model flags (`--word-splitter`, `--max-length`) are batch's own; a record's `words` and `entities` are its own, not a run's.
 */
const TASK_FLAGS = sharedTaskFields([...TASK_SPECS, ...GLINER2_TASK_SPECS], ["schema", "chunkSize", "chunkOverlap", "wordSplitter", "maxLength", "words", "entities"]);

interface StatusFlags {
  json?: boolean;
}

export function registerBatchCommand(program: Command): void {
  const batch = addSchemaFlags(
    withModelFlags(
      program
        .command("batch")
        .description("resumable corpus extraction: JSONL in → one result line per document out (local, or distributed with --queue)"),
    ),
    TASK_FLAGS.fields,
    TASK_FLAGS.unchecked,
  )
    .option("--task <name>", `what to extract: ${Object.keys(TASKS).join(", ")}`, "ner")
    .option("-i, --input <path>", "JSONL documents, one object per line: {\"id\"?, \"text\", ...task fields}")
    .option("-o, --output <path>", "results JSONL; rerunning the same command resumes it")
    .option("--dead-letters <path>", "rejected lines with their reasons (default: the output's name with .dead-letters.jsonl in place of .jsonl: out.jsonl → out.dead-letters.jsonl)")
    .option("--schema <file.json>", "schema (GLiNER2): the schema for documents without \"schema\" (docs/gliner2.md)")
    .option("--chunk-size <n>", "documents per durable write (and per queue job)", parseInteger, 64)
    .option("--queue <redis-url>", "distribute over `gliner-ts worker` processes through BullMQ on this Redis, e.g. redis://127.0.0.1:6379/0")
    .option("--queue-name <name>", "BullMQ queue name (workers must use the same)", DEFAULT_QUEUE_NAME)
    .option("--run <id>", "name of this run in the queue (default: derived from the output path, so a rerun resumes it)")
    .option("--attempts <n>", "queue: tries per job before it is reported as failed", parseInteger, 3)
    .option("--backoff <ms>", "queue: first retry delay, doubled on each retry", parseInteger, 1000)
    .option("--max-pending <n>", "queue: documents in flight at most (bounds Redis memory)", parseInteger, 4096)
    .option("--connect-timeout <s>", "queue: give up if Redis cannot be reached at start for this long", parseNumber, 30)
    .option("--no-progress", "no progress on stderr (a bar on a terminal, otherwise a line every 30 s)")
    .action(async (flags: BatchFlags) => reportingQueueErrors(() => runBatch(flags)));

  batch
    .command("status")
    .description("runs, job counts, dead letters and per-worker throughput of a queue (needs --queue)")
    .option("--json", "print JSON instead of text")
    // --queue, --queue-name and --run belong to `batch` (commander parses them there), so list them here too.
    .addHelpText(
      "after",
      [
        "",
        "Options of `batch` that status uses:",
        "  --queue <redis-url>  the queue's Redis, e.g. redis://127.0.0.1:6379/0 (required)",
        `  --queue-name <name>  BullMQ queue name (default: "${DEFAULT_QUEUE_NAME}")`,
        "  --run <id>           show only this run (default: every run in the queue)",
        "",
        "Example: gliner-ts batch status --queue redis://127.0.0.1:6379/0 --run corpus-2026",
      ].join("\n"),
    )
    .action(async (flags: StatusFlags, command: Command) => {
      const all = command.optsWithGlobals<BatchFlags & StatusFlags>();
      if (all.queue === undefined) throw new InvalidInputError("queue", "batch status needs --queue redis://host:port/db.");
      const queue = all.queue;
      await reportingQueueErrors(() => printQueueStatus({ url: queue, queueName: all.queueName, run: all.run, json: flags.json === true }));
    });
}

/** Queue failures are the user's to act on (start Redis, rerun): a message and exit code 1, not a stack trace. */
async function reportingQueueErrors(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    process.stderr.write(`gliner-ts batch: ${error.message}\n`);
    process.exitCode = EXIT.failure;
  }
}

async function runBatch(flags: BatchFlags): Promise<void> {
  if (flags.input === undefined) throw new InvalidInputError("input", "batch needs --input <docs.jsonl> (one JSON object per line).");
  if (flags.output === undefined) throw new InvalidInputError("output", "batch needs --output <results.jsonl>.");
  if (flags.chunkSize < 1) throw new InvalidInputError("chunkSize", `--chunk-size must be at least 1; got ${flags.chunkSize}.`);
  const task = getTask(flags.task);
  if (task.modelClass === "GLiNER2" && flags.queue !== undefined) {
    throw new InvalidInputError("queue", `--task ${task.name} runs locally only (queue workers load GLiNER models); drop --queue.`);
  }
  const gliner2 = task.modelClass === "GLiNER2";
  const settings: BatchSettings = parseSettings({
    ...DEFAULT_SETTINGS,
    ...givenFields(flags, TASK_FLAGS.fields),
    // --max-length: a load option for GLiNER models, a per-call option of GLiNER2's schema task.
    ...(gliner2 && flags.maxLength !== undefined ? { maxLength: flags.maxLength } : {}),
    ...(flags.schema === undefined ? {} : { schema: await readJsonFile(flags.schema, "--schema") }),
  });
  const progress: ProgressMode = flags.progress === false ? "off" : process.stderr.isTTY === true ? "bar" : "log";
  const common = { task, settings, input: flags.input, output: flags.output, chunkSize: flags.chunkSize, progress };
  const paths = flags.deadLetters === undefined ? {} : { deadLetters: flags.deadLetters };
  let summary: BatchSummary;
  if (flags.queue === undefined) {
    const model = gliner2 ? await loadGliner2FromFlags({ ...gliner2Flags(flags), maxLength: undefined }) : await loadModelFromFlags(flags);
    try {
      summary = await runLocalBatch({ ...common, ...paths, model });
    } finally {
      await model.dispose();
    }
  } else {
    summary = await runDistributedBatch({
      ...common,
      ...paths,
      url: flags.queue,
      queueName: flags.queueName,
      ...(flags.run === undefined ? {} : { run: flags.run }),
      attempts: flags.attempts,
      backoffMs: flags.backoff,
      maxPending: flags.maxPending,
      connectTimeoutSeconds: flags.connectTimeout,
      log: (message) => {
        process.stderr.write(`gliner-ts batch: ${message}\n`);
      },
    });
  }
  process.stderr.write(`${describeSummary(summary)}\n`);
}

/** `--task schema` runs a GLiNER2 model: the GLiNER default model becomes the GLiNER2 one. */
function gliner2Flags(flags: BatchFlags): BatchFlags {
  return flags.model === DEFAULT_MODEL ? { ...flags, model: DEFAULT_GLINER2_MODEL } : flags;
}

async function readJsonFile(path: string, flag: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new InvalidInputError(flag, `cannot read ${flag} ${path}: ${String(cause)}`, { cause });
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new InvalidInputError(flag, `${flag} ${path} is not valid JSON: ${String(cause)}`, { cause });
  }
}

function describeSummary(s: BatchSummary): string {
  const rate = s.seconds > 0 ? ` (${((s.results + s.deadLetters) / s.seconds).toFixed(1)} docs/s)` : "";
  const parts = [
    `gliner-ts batch: ${s.lines} lines: ${s.results} results written to ${s.outputPath}`,
    `${s.deadLetters} dead letters${s.deadLetters > 0 ? ` written to ${s.deadLetterPath}` : ""}`,
    `${s.skipped} already done`,
  ];
  const repaired = s.repairedBytes > 0 ? `; removed a torn last line (${s.repairedBytes} bytes) left by an interrupted run` : "";
  return `${parts.join(", ")}; ${formatSeconds(s.seconds)}${rate}${repaired}.`;
}

/**
 * `gliner-ts ner`: entities of a text given as an argument, a file (`--file`), or JSONL records
 * (`--input docs.jsonl` or stdin: `{"id"?, "text", "labels"?}` per line) → JSONL on stdout or `--output`.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidInputError } from "../../errors.js";
import type { GLiNER } from "../../node.js";
import type { PredictOptions, Truncation } from "../../types.js";
import {
  checkInputSources,
  countLines,
  jsonlWriter,
  loadModelFromFlags,
  type ModelFlags,
  parseBatchSize,
  parseInteger,
  parseList,
  parseNumber,
  progressBar,
  readJsonl,
  withModelFlags,
} from "../io.js";

interface NerFlags extends ModelFlags {
  labels?: string[];
  threshold: number;
  flatNer: boolean;
  multiLabel?: boolean;
  batchSize: number | "auto";
  truncation: Truncation;
  window?: number;
  overlap?: number;
  file?: string;
  input?: string;
  output?: string;
  progress?: boolean;
}

export function registerNerCommand(program: Command): void {
  withModelFlags(
    program
      .command("ner")
      .description("extract entities: from [text], --file, or JSONL (--input or stdin) to JSONL")
      .argument("[text]", "the text to analyse"),
  )
    .option("-l, --labels <list>", "comma-separated labels, e.g. person,organization", parseList)
    .option("-t, --threshold <p>", "keep spans with probability above this", parseNumber, 0.5)
    .option("--no-flat-ner", "keep nested entities (flatNer: false; flat by default)")
    .option("--multi-label", "allow several labels on the same span")
    .option("-b, --batch-size <n|auto>", "texts per model call, or auto (sized by sub-tokens)", parseBatchSize, 8)
    .option("--truncation <mode>", "long texts: window, truncate or error", "window")
    .option("--window <words>", "window size in words for long texts (default: the model's max_len)", parseInteger)
    .option("--overlap <words>", "words shared by consecutive windows (default: a quarter of the window)", parseInteger)
    .option("-f, --file <path>", "read the text from a file")
    .option("-i, --input <path>", "read JSONL records from a file ('-' for stdin)")
    .option("-o, --output <path>", "write JSONL here instead of stdout")
    .option("--no-progress", "no progress on stderr (a bar on a terminal, else a line every 5 s; a summary at the end)")
    .action(async (text: string | undefined, flags: NerFlags) => runNer(text, flags));
}

async function runNer(text: string | undefined, flags: NerFlags): Promise<void> {
  checkInputSources(text, flags);
  const options: PredictOptions = {
    threshold: flags.threshold,
    flatNer: flags.flatNer,
    multiLabel: flags.multiLabel === true,
    batchSize: flags.batchSize,
    truncation: flags.truncation,
    ...(flags.window === undefined ? {} : { window: flags.window }),
    ...(flags.overlap === undefined ? {} : { overlap: flags.overlap }),
  };
  const model = await loadModelFromFlags(flags);
  const out = jsonlWriter(flags.output);
  try {
    if (text !== undefined || flags.file !== undefined) {
      const content = text ?? (await readFile(flags.file as string, "utf8"));
      const entities = await model.predictEntities(content, requireLabels(flags.labels, "--labels"), options);
      await out.write({ entities });
    } else {
      await runJsonl(model, flags, options, out.write);
    }
  } finally {
    await out.close();
    await model.dispose();
  }
}

async function runJsonl(
  model: GLiNER,
  flags: NerFlags,
  options: PredictOptions,
  write: (value: unknown) => Promise<void>,
): Promise<void> {
  const fromFile = flags.input !== undefined && flags.input !== "-";
  const bar = progressBar(fromFile ? await countLines(flags.input as string) : undefined, flags.progress !== false, "gliner-ts ner");
  const pending: { id: unknown; text: string; labels: string[] }[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const results = await model.batchPredictEntities(
      pending.map((p) => p.text),
      pending.map((p) => p.labels),
      options,
    );
    for (const [i, p] of pending.entries()) await write({ id: p.id, entities: results[i] });
    bar.increment(pending.length);
    pending.length = 0;
  };
  for await (const { line, value } of readJsonl(flags.input)) {
    if (typeof value["text"] !== "string") throw new InvalidInputError("input", `line ${line} has no "text" string.`);
    const labels = value["labels"] === undefined ? requireLabels(flags.labels, `--labels (line ${line} has no "labels")`) : value["labels"];
    if (!Array.isArray(labels)) throw new InvalidInputError("input", `line ${line}: "labels" must be an array of strings.`);
    pending.push({ id: value["id"] ?? line, text: value["text"], labels: labels as string[] });
    if (pending.length >= (flags.batchSize === "auto" ? 64 : flags.batchSize * 4)) await flush();
  }
  await flush();
  bar.stop();
}

function requireLabels(labels: string[] | undefined, what: string): string[] {
  if (labels === undefined || labels.length === 0) {
    throw new InvalidInputError("labels", `labels are required: pass ${what}, e.g. --labels person,organization,location.`);
  }
  return labels;
}

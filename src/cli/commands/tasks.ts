/**
 * The multitask commands: `gliner-ts relations|qa|summarize|classify|extract|sentiment|keyphrases`. Each reads
 * a text argument, a file (`--file`) or JSONL records (`--input` or stdin: `{"id"?, "text", ...per-task fields}`)
 * and writes one JSON line per text, exactly what the matching `GLiNER` method returns.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidInputError } from "../../errors.js";
import type { GLiNER } from "../../node.js";
import type { Polarity, RelationSpec, TaskRunOptions } from "../../tasks/types.js";
import type { Truncation } from "../../types.js";
import {
  checkInputSources,
  countLines,
  jsonlWriter,
  loadModelFromFlags,
  type ModelFlags,
  parseInteger,
  parseList,
  parseNumber,
  progressBar,
  readJsonl,
  withModelFlags,
} from "../io.js";

interface TaskFlags extends ModelFlags {
  threshold?: number;
  prompt?: string;
  batchSize: number;
  truncation: Truncation;
  file?: string;
  input?: string;
  output?: string;
  progress?: boolean;
  // task-specific
  relations?: string;
  entityLabels?: string[];
  entityThreshold?: number;
  relationThreshold?: number;
  question?: string;
  topK?: number;
  classes?: string[];
  multiLabel?: boolean;
  instruction?: string;
  labels?: string[];
  polarities?: string[];
}

/** A JSONL record (or `{ text }` for a text argument or file), with a reader for its optional fields. */
class RecordFields {
  constructor(
    readonly value: Readonly<Record<string, unknown>>,
    private readonly where: string,
  ) {}

  string(key: string, fallback: string | undefined, flag: string): string {
    const value = this.value[key] ?? fallback;
    if (typeof value !== "string") throw new InvalidInputError(key, `${this.where}: give ${flag} or a "${key}" string in the record.`);
    return value;
  }

  strings(key: string, fallback: string[] | undefined, flag: string): string[] {
    const value = this.value[key] ?? fallback;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      throw new InvalidInputError(key, `${this.where}: give ${flag} or a "${key}" array of strings in the record.`);
    }
    return value as string[];
  }
}

interface TaskDefinition {
  readonly name: string;
  readonly description: string;
  readonly defaultThreshold: number | undefined;
  readonly configure: (command: Command) => Command;
  readonly run: (model: GLiNER, text: string, record: RecordFields, flags: TaskFlags, options: TaskRunOptions) => Promise<Record<string, unknown>>;
}

const withThreshold = (flags: TaskFlags) => (flags.threshold === undefined ? {} : { threshold: flags.threshold });
const withPrompt = (flags: TaskFlags) => (flags.prompt === undefined ? {} : { prompt: flags.prompt });

const TASKS: readonly TaskDefinition[] = [
  {
    name: "relations",
    description: "relation triples (a relex model's own relation head; other models: NER, then '<source> <> <relation>' labels on the prompted text)",
    defaultThreshold: undefined,
    configure: (c) =>
      c
        .option("-r, --relations <list|json>", 'relation names "founder,CEO of", or a JSON array of {relation, pairsFilter?, distanceThreshold?}')
        .option("-e, --entity-labels <list>", "entity types of the NER step (default: named entity)", parseList)
        .option("--entity-threshold <p>", "NER threshold (default 0.5)", parseNumber)
        .option("--relation-threshold <p>", "relation threshold (default 0.5)", parseNumber)
        .option("--prompt <text>", "prompt before the text in the relation step"),
    run: async (model, text, record, flags, options) => {
      const relations = record.value["relations"] ?? parseRelations(flags.relations);
      const entityLabels = record.value["entityLabels"] ?? flags.entityLabels;
      return {
        relations: await model.extractRelations(text, {
          ...options,
          ...withPrompt(flags),
          relations: relations as (string | RelationSpec)[],
          ...(entityLabels === undefined ? {} : { entityLabels: entityLabels as string[] }),
          ...(flags.entityThreshold === undefined ? {} : { entityThreshold: flags.entityThreshold }),
          ...(flags.relationThreshold === undefined ? {} : { relationThreshold: flags.relationThreshold }),
        }),
      };
    },
  },
  {
    name: "qa",
    description: "answers to a question, best first",
    defaultThreshold: 0.5,
    configure: (c) =>
      c
        .option("-q, --question <text>", "the question (or a \"question\" field per JSONL record)")
        .option("-k, --top-k <n>", "at most this many answers", parseInteger)
        .option("--prompt <template>", "prompt template with {question}"),
    run: async (model, text, record, flags, options) => ({
      answers: await model.answer(record.string("question", flags.question, "--question"), text, {
        ...options,
        ...withThreshold(flags),
        ...withPrompt(flags),
        ...(flags.topK === undefined ? {} : { topK: flags.topK }),
      }),
    }),
  },
  {
    name: "summarize",
    description: "extractive summary: the important spans in text order",
    defaultThreshold: 0.25,
    configure: (c) => c.option("--prompt <text>", "summarization prompt"),
    run: async (model, text, _record, flags, options) => ({ ...(await model.summarize(text, { ...options, ...withThreshold(flags), ...withPrompt(flags) })) }),
  },
  {
    name: "classify",
    description: "the class of each text among --classes",
    defaultThreshold: 0.5,
    configure: (c) =>
      c
        .option("-c, --classes <list>", "comma-separated classes (or a \"classes\" array per JSONL record)", parseList)
        .option("--multi-label", "every class found, with its probability")
        .option("--prompt <template>", "prompt template with {classes}"),
    run: async (model, text, record, flags, options) => ({
      classifications: await model.classify(text, record.strings("classes", flags.classes, "--classes"), {
        ...options,
        ...withThreshold(flags),
        ...withPrompt(flags),
        multiLabel: flags.multiLabel === true,
      }),
    }),
  },
  {
    name: "extract",
    description: "open extraction: the spans that answer an instruction",
    defaultThreshold: 0.5,
    configure: (c) =>
      c
        .option("--instruction <text>", 'what to extract, e.g. "Find all positive aspects about the product:"')
        .option("-l, --labels <list>", "span labels (default: match)", parseList),
    run: async (model, text, record, flags, options) => {
      const labels = record.value["labels"] ?? flags.labels;
      return {
        entities: await model.extract(record.string("instruction", flags.instruction, "--instruction"), text, {
          ...options,
          ...withThreshold(flags),
          ...(labels === undefined ? {} : { labels: labels as string[] }),
        }),
      };
    },
  },
  {
    name: "sentiment",
    description: "spans with a positive, negative or neutral sentiment",
    defaultThreshold: 0.5,
    configure: (c) =>
      c.option("--polarities <list>", "polarities to look for (default: positive,negative,neutral)", parseList).option("--prompt <text>", "sentiment prompt"),
    run: async (model, text, _record, flags, options) => ({
      sentiments: await model.extractSentiment(text, {
        ...options,
        ...withThreshold(flags),
        ...withPrompt(flags),
        ...(flags.polarities === undefined ? {} : { polarities: flags.polarities as Polarity[] }),
      }),
    }),
  },
  {
    name: "keyphrases",
    description: "key phrases, best first, with their mentions",
    defaultThreshold: 0.5,
    configure: (c) => c.option("-k, --top-k <n>", "at most this many phrases", parseInteger).option("--prompt <text>", "key-phrase prompt"),
    run: async (model, text, _record, flags, options) => ({
      keyphrases: await model.extractKeyphrases(text, {
        ...options,
        ...withThreshold(flags),
        ...withPrompt(flags),
        ...(flags.topK === undefined ? {} : { topK: flags.topK }),
      }),
    }),
  },
];

/** Registers the seven task commands. */
export function registerTaskCommands(program: Command): void {
  for (const task of TASKS) {
    const command = withModelFlags(program.command(task.name).description(`${task.description}: from [text], --file, or JSONL to JSONL`).argument("[text]", "the text to analyse"));
    task.configure(command);
    // relations has two thresholds of its own (--entity-threshold, --relation-threshold): a third would be ignored.
    if (task.name !== "relations") {
      command.option("-t, --threshold <p>", `keep spans with probability above this${task.defaultThreshold === undefined ? "" : ` (default ${task.defaultThreshold})`}`, parseNumber);
    }
    command
      .option("-b, --batch-size <n>", "texts per model call", parseInteger, 8)
      .option("--truncation <mode>", "long texts: window, truncate or error", "window")
      .option("-f, --file <path>", "read the text from a file")
      .option("-i, --input <path>", "read JSONL records from a file ('-' for stdin)")
      .option("-o, --output <path>", "write JSONL here instead of stdout")
      .option("--no-progress", "no progress on stderr (a bar on a terminal, else a line every 5 s; a summary at the end)")
      .action(async (text: string | undefined, flags: TaskFlags) => runTask(task, text, flags));
  }
}

async function runTask(task: TaskDefinition, text: string | undefined, flags: TaskFlags): Promise<void> {
  checkInputSources(text, flags);
  if (task.name === "relations" && flags.relations !== undefined) parseRelations(flags.relations); // fail before loading the model
  const options: TaskRunOptions = { batchSize: flags.batchSize, truncation: flags.truncation };
  const model = await loadModelFromFlags(flags);
  const out = jsonlWriter(flags.output);
  try {
    if (text !== undefined || flags.file !== undefined) {
      const content = text ?? (await readFile(flags.file as string, "utf8"));
      await out.write(await task.run(model, content, new RecordFields({}, "the command line"), flags, options));
      return;
    }
    const fromFile = flags.input !== undefined && flags.input !== "-";
    const bar = progressBar(fromFile ? await countLines(flags.input as string) : undefined, flags.progress !== false, `gliner-ts ${task.name}`);
    for await (const { line, value } of readJsonl(flags.input)) {
      if (typeof value["text"] !== "string") throw new InvalidInputError("input", `line ${line} has no "text" string.`);
      const result = await task.run(model, value["text"], new RecordFields(value, `line ${line}`), flags, options);
      await out.write({ id: value["id"] ?? line, ...result });
      bar.increment();
    }
    bar.stop();
  } finally {
    await out.close();
    await model.dispose();
  }
}

/** `--relations`: a comma-separated list of names, or a JSON array of names and specs. */
function parseRelations(value: string | undefined): (string | RelationSpec)[] {
  if (value === undefined) {
    throw new InvalidInputError("relations", 'relations are required: pass --relations "founder,CEO of" or a JSON array of {relation, pairsFilter?, distanceThreshold?}.');
  }
  if (!value.trim().startsWith("[")) return parseList(value);
  try {
    return JSON.parse(value) as (string | RelationSpec)[];
  } catch {
    throw new InvalidInputError("relations", `--relations is not valid JSON: ${value.slice(0, 60)}`);
  }
}

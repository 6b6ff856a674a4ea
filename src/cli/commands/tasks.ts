/**
 * One command per task of the registry: `gliner-ts ner|relations|qa|summarize|classify|extract|sentiment|keyphrases`.
 * Each reads a text argument, a file (`--file`) or JSONL records (`--input` or stdin: `{"id"?, "text", ...the
 * task's input fields}`) and writes one JSON line per text, the task's result fields as every surface answers
 * them. Its flags come from the task's schemas (task-flags.ts), so a task added to the registry is a command here.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidInputError, type JsonSchema, resultFields, TASK_SPECS, type TaskSpec } from "../../index.js";
import { check } from "../../tasks/registry.js";
import { checkInputSources, countLines, jsonlWriter, loadModelFromFlags, type ModelFlags, progressBar, readJsonl, withModelFlags } from "../io.js";
import { addSchemaFlags, flagName, givenFields, taskFields } from "../task-flags.js";

interface SourceFlags extends ModelFlags {
  file?: string;
  input?: string;
  output?: string;
  progress?: boolean;
}

/** Registers one command per task. */
export function registerTaskCommands(program: Command): void {
  for (const spec of TASK_SPECS) {
    const fields = taskFields(spec);
    const command = withModelFlags(
      program.command(spec.name).description(`${spec.summary}: from [text], --file, or JSONL (--input or stdin) to JSONL. ${spec.description}`).argument("[text]", "the text to analyse"),
    );
    addSchemaFlags(addSchemaFlags(command, fields.input), fields.options)
      .option("-f, --file <path>", "read the text from a file")
      .option("-i, --input <path>", "read JSONL records from a file ('-' for stdin)")
      .option("-o, --output <path>", "write JSONL here instead of stdout")
      .option("--no-progress", "no progress on stderr (a bar on a terminal, else a line every 5 s; a summary at the end)")
      .action(async (text: string | undefined, flags: SourceFlags & Record<string, unknown>) => runTask(spec, text, flags));
  }
}

/** One record's model.run input and options: its own fields over the flags' (a task option may be per record too). */
interface TaskRequest {
  readonly input: Record<string, unknown>;
  readonly options: Record<string, unknown>;
}

async function runTask(spec: TaskSpec, text: string | undefined, flags: SourceFlags & Record<string, unknown>): Promise<void> {
  checkInputSources(text, flags);
  const fields = taskFields(spec);
  const request = (record: Readonly<Record<string, unknown>>, where: string): TaskRequest => {
    const own = { ...givenFields(record, fields.input), ...givenFields(record, spec.options.properties) };
    for (const [field, value] of Object.entries(own)) check(fields.input[field] ?? (fields.options[field] as JsonSchema), value, field, `${where}${field}`);
    const input: Record<string, unknown> = { ...givenFields(flags, fields.input), ...givenFields(own, fields.input), text: record["text"] };
    const options = { ...givenFields(flags, fields.options), ...givenFields(own, spec.options.properties) };
    for (const field of spec.input.required ?? []) if (input[field] === undefined) throw missing(field, fields.input, where);
    for (const field of spec.options.required ?? []) if (options[field] === undefined) throw missing(field, fields.options, where);
    return { input, options };
  };
  // A text or file is checked before the model loads.
  const single = text !== undefined || flags.file !== undefined ? request({ text: text ?? (await readFile(flags.file as string, "utf8")) }, "") : undefined;
  const model = await loadModelFromFlags(flags);
  const out = jsonlWriter(flags.output);
  const run = async (requests: readonly TaskRequest[]) => {
    const results = await model.run(spec.name, requests.map((r) => r.input), (requests[0] as TaskRequest).options);
    return results.map((result) => resultFields(spec.name, result));
  };
  try {
    if (single !== undefined) await out.write((await run([single]))[0]);
    else await runJsonl(spec, flags, request, run, out.write);
  } finally {
    await out.close();
    await model.dispose();
  }
}

/** JSONL records in chunks of a few batches (records with equal options share model calls), answers in input order. */
async function runJsonl(
  spec: TaskSpec,
  flags: SourceFlags & Record<string, unknown>,
  request: (record: Readonly<Record<string, unknown>>, where: string) => TaskRequest,
  run: (requests: readonly TaskRequest[]) => Promise<Record<string, unknown>[]>,
  write: (value: unknown) => Promise<void>,
): Promise<void> {
  const fromFile = flags.input !== undefined && flags.input !== "-";
  const bar = progressBar(fromFile ? await countLines(flags.input as string) : undefined, flags.progress !== false, `gliner-ts ${spec.name}`);
  const chunk = typeof flags["batchSize"] === "number" ? flags["batchSize"] * 4 : 64;
  const pending: (TaskRequest & { id: unknown })[] = [];
  const flush = async () => {
    const groups = new Map<string, number[]>();
    for (const [i, p] of pending.entries()) groups.set(JSON.stringify(p.options), [...(groups.get(JSON.stringify(p.options)) ?? []), i]);
    const results: Record<string, unknown>[] = [];
    for (const indexes of groups.values()) (await run(indexes.map((i) => pending[i] as TaskRequest))).forEach((r, j) => (results[indexes[j] as number] = r));
    for (const [i, p] of pending.entries()) await write({ id: p.id, ...results[i] });
    bar.increment(pending.length);
    pending.length = 0;
  };
  for await (const { line, value } of readJsonl(flags.input)) {
    if (typeof value["text"] !== "string") throw new InvalidInputError("input", `line ${line} has no "text" string.`);
    pending.push({ id: value["id"] ?? line, ...request(value, `line ${line}: `) });
    if (pending.length >= chunk) await flush();
  }
  await flush();
  bar.stop();
}

/** A required field nobody gave: which flag (or record field) gives it. */
function missing(field: string, fields: Readonly<Record<string, JsonSchema>>, where: string): InvalidInputError {
  const schema = fields[field] ?? {};
  const example = schema.examples?.[0] === undefined ? "" : `, e.g. ${flagName(field)} ${Array.isArray(schema.examples[0]) ? schema.examples[0].join(",") : JSON.stringify(schema.examples[0])}`;
  const record = ` or a "${field}" in each JSONL record${where === "" ? "" : ` (${where.replace(/: $/, "")} has none)`}`;
  return new InvalidInputError(field, `${field} ${schema.type === "array" ? "are" : "is"} required: pass ${flagName(field)}${record}${example}.`);
}

/**
 * `gliner-ts schema --schema schema.json`: a GLiNER2 schema (entities, classifications, structures, relations,
 * docs/gliner2.md) on a text given as an argument, a file (`--file`), or JSONL records (`--input docs.jsonl` or
 * stdin: `{"id"?, "text", "schema"?}` per line) → one JSON line `{ id, result }` per text.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidInputError } from "../../errors.js";
import type { Gliner2TaskOptions } from "../../gliner2/task.js";
import type { GLiNER2, SchemaInput } from "../../node.js";
import {
  checkInputSources,
  countLines,
  DEFAULT_GLINER2_MODEL,
  jsonlWriter,
  loadGliner2FromFlags,
  type ModelFlags,
  parseInteger,
  parseNumber,
  progressBar,
  readJsonl,
  withModelFlags,
} from "../io.js";
import { DEFAULT_THRESHOLD } from "../../defaults.js";

interface SchemaFlags extends ModelFlags {
  schema?: string;
  threshold: number;
  includeConfidence?: boolean;
  includeSpans?: boolean;
  codePoints?: boolean;
  batchSize: number;
  chunkSize?: number;
  chunkOverlap?: number;
  file?: string;
  input?: string;
  output?: string;
  progress?: boolean;
}

export function registerSchemaCommand(program: Command): void {
  withModelFlags(
    program
      .command("schema")
      .description("GLiNER2: run a schema (entities, classifications, structures, relations) on [text], --file, or JSONL to JSONL")
      .argument("[text]", "the text to analyse"),
    DEFAULT_GLINER2_MODEL,
  )
    .option("-s, --schema <file.json>", 'the schema as JSON, e.g. {"entities": ["person"], "structures": {"order": ["id::str"]}}')
    .option("-t, --threshold <p>", "span probability cut-off (>=), in [0, 1]", parseNumber, DEFAULT_THRESHOLD)
    .option("--include-confidence", "results carry confidences")
    .option("--include-spans", "span results carry start/end offsets")
    .option("--code-points", "offsets in code points (Python's) instead of UTF-16")
    .option("-b, --batch-size <n>", "texts per model call", parseInteger, 8)
    .option("--chunk-size <words>", "read long texts in chunks of this many words, merged (extractLong)", parseInteger)
    .option("--chunk-overlap <words>", "words shared by consecutive chunks (default 64)", parseInteger)
    .option("-f, --file <path>", "read the text from a file")
    .option("-i, --input <path>", "read JSONL records from a file ('-' for stdin)")
    .option("-o, --output <path>", "write JSONL here instead of stdout")
    .option("--no-progress", "no progress on stderr (a bar on a terminal, else a line every 5 s; a summary at the end)")
    .action(async (text: string | undefined, flags: SchemaFlags) => runSchema(text, flags));
}

async function runSchema(text: string | undefined, flags: SchemaFlags): Promise<void> {
  const sources = checkInputSources(text, flags);
  const schema = flags.schema === undefined ? undefined : await readSchema(flags.schema);
  if (schema === undefined && sources > 0 && flags.input === undefined) {
    throw new InvalidInputError("schema", 'a schema is required: --schema schema.json, e.g. {"entities": ["person", "company"]}.');
  }
  const options: Gliner2TaskOptions = {
    threshold: flags.threshold,
    includeConfidence: flags.includeConfidence === true,
    includeSpans: flags.includeSpans === true,
    offsets: flags.codePoints ? "codePoints" : "utf16",
    batchSize: flags.batchSize,
    ...(flags.maxLength === undefined ? {} : { maxLength: flags.maxLength }),
    ...(flags.chunkSize === undefined ? {} : { chunkSize: flags.chunkSize }),
    ...(flags.chunkOverlap === undefined ? {} : { chunkOverlap: flags.chunkOverlap }),
  };
  const model = await loadGliner2FromFlags({ ...flags, maxLength: undefined });
  const out = jsonlWriter(flags.output);
  try {
    if (text !== undefined || flags.file !== undefined) {
      const content = text ?? (await readFile(flags.file as string, "utf8"));
      const [result] = await run(model, [content], [schema as SchemaInput], options);
      await out.write({ result });
    } else {
      await runJsonl(model, flags, schema, options, out.write);
    }
  } finally {
    await out.close();
    await model.dispose();
  }
}

async function runJsonl(
  model: GLiNER2,
  flags: SchemaFlags,
  schema: SchemaInput | undefined,
  options: Gliner2TaskOptions,
  write: (value: unknown) => Promise<void>,
): Promise<void> {
  const fromFile = flags.input !== undefined && flags.input !== "-";
  const bar = progressBar(fromFile ? await countLines(flags.input as string) : undefined, flags.progress !== false, "gliner-ts schema");
  const pending: { id: unknown; text: string; schema: SchemaInput }[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const results = await run(model, pending.map((p) => p.text), pending.map((p) => p.schema), options);
    for (const [i, p] of pending.entries()) await write({ id: p.id, result: results[i] });
    bar.increment(pending.length);
    pending.length = 0;
  };
  for await (const { line, value } of readJsonl(flags.input)) {
    if (typeof value["text"] !== "string") throw new InvalidInputError("input", `line ${line} has no "text" string.`);
    const own = value["schema"] ?? schema;
    if (own === undefined) throw new InvalidInputError("schema", `line ${line} has no "schema" and no --schema file was given.`);
    pending.push({ id: value["id"] ?? line, text: value["text"], schema: own as SchemaInput });
    if (pending.length >= flags.batchSize * 4) await flush();
  }
  await flush();
  bar.stop();
}

function run(model: GLiNER2, texts: string[], schemas: SchemaInput[], options: Gliner2TaskOptions) {
  return model.run("schema", texts.map((text, i) => ({ text, schema: schemas[i] as SchemaInput })), options);
}

async function readSchema(path: string): Promise<SchemaInput> {
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new InvalidInputError("schema", `cannot read the schema file ${path}: ${String(cause)}`, { cause });
  });
  try {
    return JSON.parse(text) as SchemaInput;
  } catch (cause) {
    throw new InvalidInputError("schema", `${path} is not valid JSON: ${String(cause)}`, { cause });
  }
}

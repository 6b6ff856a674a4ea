/**
 * The `GLiNER2` class: the reference's public API (`extract_entities`, `classify_text`, `extract_json`,
 * `extract_relations`, `extract`, `batch_extract`, `extract_long`, `create_schema`) with camelCase options and
 * results in the reference's JSON shapes. Runtime-neutral: the entries bind a runtime in `fromPretrained`.
 */
import { InvalidInputError } from "../errors.js";
import type { Runtime } from "../runtime/runtime.js";
import { type Gliner2TaskTypes, runTask } from "../tasks/registry.js";
import type { WordSplitterSpec } from "../text/words.js";
import { checkOneOf, checkPositiveInteger, checkText, checkTexts, checkWordSplitter } from "../validate.js";
import { type ConvertOnFirstUse, type Gliner2Config, type Gliner2LoadOptions, type LoadedGliner2, loadGliner2 } from "./load.js";
import { mergeChunkResults, splitIntoChunks } from "./long.js";
import type { Gliner2Engine } from "./task.js";
import { gliner2WordSplitter } from "./words.js";
import { runRequests, type RunSettings, type SchemaRequest, toCodePointOffsets } from "./pipeline.js";
import {
  addClassifications,
  addStructures,
  checkUnitInterval,
  type CompiledSchema,
  Schema,
  schemaFromInput,
  StructureBuilder,
} from "./schema.js";
import type {
  ClassificationTasks,
  EntityTypes,
  ExtractResult,
  FieldDtype,
  Gliner2BatchOptions,
  Gliner2LongOptions,
  Gliner2Options,
  RelationTypes,
  SchemaInput,
  StructureSpecs,
} from "./types.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

/** A schema: the builder (`model.createSchema()…`) or its JSON form. */
export type SchemaLike = Schema | StructureBuilder | SchemaInput;

export interface Gliner2ModelLoadOptions extends Gliner2LoadOptions {
  /** The runtime to use; the package entry points supply their own. */
  runtime?: Runtime;
}

export class GLiNER2 {
  /** The model's settings as read from config.json. */
  readonly config: Gliner2Config;
  /** The resolved model source (folder path or hub id@revision) and ONNX file used. */
  readonly source: string;
  readonly onnxFile: string;
  protected readonly model: LoadedGliner2;

  protected constructor(model: LoadedGliner2) {
    this.model = model;
    this.config = model.config;
    this.source = model.source;
    this.onnxFile = model.onnxFile;
  }

  /** Loads a model with an explicit runtime. Most users call the entry point's `GLiNER2.fromPretrained`. */
  static async load(runtime: Runtime, source: string, options: Gliner2LoadOptions = {}, convert?: ConvertOnFirstUse): Promise<GLiNER2> {
    return new GLiNER2(await loadGliner2(runtime, source, options, convert));
  }

  /** A schema builder, as the reference's `create_schema()`. */
  createSchema(): Schema {
    return new Schema();
  }

  /**
   * Entities of one text.
   * @example
   * await model.extractEntities("Tim Cook leads Apple.", ["person", "company"]);
   * // { entities: { person: ["Tim Cook"], company: ["Apple"] } }
   */
  async extractEntities(text: string, types: EntityTypes, options: Gliner2Options & { dtype?: FieldDtype } = {}): Promise<ExtractResult> {
    const { dtype, ...rest } = options;
    return this.extract(text, new Schema().entities(types, dtype === undefined ? {} : { dtype }), rest);
  }

  /**
   * Classification: task → labels (or `{ labels, multiLabel, clsThreshold, ... }`).
   * @example
   * await model.classifyText("Great screen!", { sentiment: ["positive", "negative"] }); // { sentiment: "positive" }
   */
  async classifyText(text: string, tasks: ClassificationTasks, options: Gliner2Options = {}): Promise<ExtractResult> {
    const schema = new Schema();
    addClassifications(schema, tasks);
    return this.extract(text, schema, options);
  }

  /**
   * Structured extraction: structure → fields (`"name::str|list::[a|b]::description"` or objects).
   * @example
   * await model.extractJson(text, { order: ["id::str", "items::list", "carrier::[dhl|ups]::str"] });
   * // { order: [{ id: "4521", items: ["laptops"], carrier: "dhl" }] }
   */
  async extractJson(text: string, structures: StructureSpecs, options: Gliner2Options = {}): Promise<ExtractResult> {
    const schema = new Schema();
    addStructures(schema, structures);
    return this.extract(text, schema, options);
  }

  /**
   * Relations as head/tail pairs, under `relation_extraction`.
   * @example
   * await model.extractRelations(text, ["works_for"]); // { relation_extraction: { works_for: [["Tim Cook", "Apple"]] } }
   */
  async extractRelations(text: string, types: RelationTypes, options: Gliner2Options = {}): Promise<ExtractResult> {
    return this.extract(text, new Schema().relations(types), options);
  }

  /** Any schema (all its tasks in one pass) on one text. */
  async extract(text: string, schema: SchemaLike, options: Gliner2Options = {}): Promise<ExtractResult> {
    const [result] = await this.runSchemas([{ text: checkText(text), schema: compileSchema(schema) }], options);
    return result as ExtractResult;
  }

  /** Many texts: one schema for all, or one per text. Batched by length; results in input order. */
  async batchExtract(texts: readonly string[], schemas: SchemaLike | readonly SchemaLike[], options: Gliner2BatchOptions = {}): Promise<ExtractResult[]> {
    return this.runSchemas(requestsFor(checkTexts(texts), schemas), options);
  }

  /**
   * A long text in overlapping word chunks (`chunkSize` 384, `chunkOverlap` 64), merged with the reference's
   * rules (see docs/gliner2.md). Offsets index the whole text.
   */
  async extractLong(text: string, schema: SchemaLike, options: Gliner2LongOptions = {}): Promise<ExtractResult> {
    const [result] = await this.batchExtractLong([text], schema, options);
    return result as ExtractResult;
  }

  /** {@link extractLong} for entities (the reference's `extract_entities_long`, which fails at 1.3.3). */
  async extractEntitiesLong(text: string, types: EntityTypes, options: Gliner2LongOptions = {}): Promise<ExtractResult> {
    return this.extractLong(text, new Schema().entities(types), options);
  }

  /** {@link extractLong} for many texts; all chunks of all texts are batched together. */
  async batchExtractLong(texts: readonly string[], schemas: SchemaLike | readonly SchemaLike[], options: Gliner2LongOptions = {}): Promise<ExtractResult[]> {
    const { chunkSize = 384, chunkOverlap = 64, ...rest } = options;
    const documents = requestsFor(checkTexts(texts), schemas);
    const settings = this.runSettings({ ...rest, includeConfidence: true, includeSpans: true, offsets: "utf16", maxLength: chunkSize });
    const chunked = documents.map((d) => splitIntoChunks(d.text, chunkSize, chunkOverlap, settings.splitWords));
    const requests = documents.flatMap((d, i) => (chunked[i] ?? []).map((c) => ({ text: c.text, schema: d.schema })));
    const results = await runRequests(this.model, requests, settings);
    let next = 0;
    return documents.map((d, i) => {
      const chunks = chunked[i] ?? [];
      const merged = mergeChunkResults(d.text, chunks, results.slice(next, (next += chunks.length)), {
        includeConfidence: options.includeConfidence ?? false,
        includeSpans: options.includeSpans ?? false,
        scalarEntities: new Set(d.schema.entities.filter((e) => e.dtype !== "list").map((e) => e.name)),
      }) as ExtractResult;
      return options.offsets === "codePoints" ? toCodePointOffsets(merged, d.text) : merged;
    });
  }

  /**
   * Runs a registered GLiNER2 task (`"schema"`: `{ text, schema }` inputs, src/gliner2/task.ts) on many inputs,
   * batched; `results[i]` answers `inputs[i]`. Every surface (server, CLI, batch) runs GLiNER2 through here.
   * @example
   * const [result] = await model.run("schema", [{ text, schema: { entities: ["person"] } }], { includeSpans: true });
   */
  run<N extends keyof Gliner2TaskTypes>(
    task: N,
    inputs: readonly Gliner2TaskTypes[NoInfer<N>]["input"][],
    options?: Gliner2TaskTypes[NoInfer<N>]["options"],
  ): Promise<Gliner2TaskTypes[N]["result"][]>;
  /** A task registered by name only (e.g. chosen at run time): results are `unknown`. */
  run<T extends string>(task: T extends keyof Gliner2TaskTypes ? never : T, inputs: readonly object[], options?: object): Promise<unknown[]>;
  async run(task: string, inputs: readonly object[], options: object = {}): Promise<unknown[]> {
    const engine: Gliner2Engine = {
      modelClass: "GLiNER2",
      batchExtract: (texts, schemas, settings) => this.batchExtract(texts, schemas, settings),
      batchExtractLong: (texts, schemas, settings) => this.batchExtractLong(texts, schemas, settings),
    };
    return runTask(engine, task, inputs, options);
  }

  /** Releases the ONNX session. */
  async dispose(): Promise<void> {
    await this.model.session.release();
  }

  private runSettings(options: Gliner2BatchOptions): RunSettings {
    return runSettings(options, this.model.wordSplitter);
  }

  private async runSchemas(requests: readonly SchemaRequest[], options: Gliner2BatchOptions): Promise<ExtractResult[]> {
    const results = await runRequests(this.model, requests, this.runSettings(options));
    if (options.offsets !== "codePoints") return results;
    return results.map((r, i) => toCodePointOffsets(r, (requests[i] as SchemaRequest).text));
  }
}

export function compileSchema(schema: SchemaLike): CompiledSchema {
  if (schema instanceof Schema || schema instanceof StructureBuilder) return schema.compile();
  return schemaFromInput(schema).compile();
}

function requestsFor(texts: readonly string[], schemas: SchemaLike | readonly SchemaLike[]): SchemaRequest[] {
  if (Array.isArray(schemas)) {
    if (schemas.length !== texts.length) {
      throw new InvalidInputError("schemas", `schemas has ${schemas.length} entries but there are ${texts.length} texts; give one schema for all or one per text.`);
    }
    const compiled = schemas.map((s) => compileSchema(s as SchemaLike));
    return texts.map((text, i) => ({ text, schema: compiled[i] as CompiledSchema }));
  }
  const schema = compileSchema(schemas as SchemaLike);
  return texts.map((text) => ({ text, schema }));
}

function runSettings(options: Gliner2BatchOptions, defaultSplitter: WordSplitterSpec): RunSettings {
  checkOneOf(options.offsets ?? "utf16", ["utf16", "codePoints"], "offsets");
  const splitter = options.wordSplitter === undefined ? defaultSplitter : checkWordSplitter(options.wordSplitter);
  return {
    splitWords: gliner2WordSplitter(splitter),
    threshold: checkUnitInterval(options.threshold, "threshold") ?? DEFAULT_THRESHOLD,
    includeConfidence: options.includeConfidence ?? false,
    includeSpans: options.includeSpans ?? false,
    maxLength: options.maxLength === undefined ? undefined : checkPositiveInteger(options.maxLength, "maxLength"),
    batchSize: checkPositiveInteger(options.batchSize ?? 8, "batchSize"),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  };
}

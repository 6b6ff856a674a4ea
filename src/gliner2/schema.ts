/**
 * ① The schema: a builder mirroring the reference's `Schema` (entities, classification, structure().field(),
 * relations), the JSON form ({@link SchemaInput}), and their checked, normalised form ({@link CompiledSchema})
 * that the next stages read. Bad schemas fail here with an {@link InvalidInputError} naming the field.
 */
import { InvalidInputError } from "../errors.js";
import { describe } from "../validate.js";
import type {
  ClassificationLabels,
  ClassificationOptions,
  ClassificationTasks,
  EntityTypes,
  FieldDtype,
  FieldOptions,
  RegexValidatorSpec,
  RelationTypes,
  SchemaInput,
  StructureFields,
  StructureSpecs,
} from "./types.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

export interface EntitySpec {
  readonly name: string;
  readonly dtype: FieldDtype;
  readonly threshold: number | undefined;
}

export interface FieldSpec {
  readonly name: string;
  readonly dtype: FieldDtype;
  readonly threshold: number | undefined;
  readonly choices: readonly string[] | undefined;
  readonly description: string | undefined;
  readonly validators: readonly RegExpValidator[];
}

export interface RegExpValidator {
  readonly regex: RegExp;
  readonly exclude: boolean;
}

export interface StructureSpec {
  readonly name: string;
  /** Declaration order: the order of the results. */
  readonly fields: readonly FieldSpec[];
  /** Order of the field markers in the prompt (the reference uses Python set order; we use declaration order). */
  readonly promptOrder: readonly string[];
}

export interface ClassificationSpec {
  readonly task: string;
  readonly labels: readonly string[];
  readonly descriptions: ReadonlyMap<string, string>;
  readonly multiLabel: boolean;
  readonly clsThreshold: number;
  readonly classAct: "auto" | "softmax" | "sigmoid";
  readonly examples: ReadonlyArray<readonly [string, string]>;
  readonly prompt: string | undefined;
}

export interface RelationSpec {
  readonly name: string;
  readonly threshold: number | undefined;
}

export interface CompiledSchema {
  readonly structures: readonly StructureSpec[];
  readonly entities: readonly EntitySpec[];
  /** Entity descriptions in the order they were given (the prompt's order). */
  readonly entityDescriptions: ReadonlyMap<string, string>;
  readonly relations: readonly RelationSpec[];
  readonly classifications: readonly ClassificationSpec[];
}

const RESERVED_KEYS = new Set(["entities", "relation_extraction"]);

/**
 * Schema builder, as the reference's `model.create_schema()`.
 * @example
 * const schema = model.createSchema()
 *   .entities({ person: "names of people", company: { threshold: 0.7 } })
 *   .classification("sentiment", ["positive", "negative"])
 *   .structure("order").field("id", { dtype: "str" }).field("carrier", { choices: ["dhl", "ups"] })
 *   .relations(["works_for"]);
 */
export class Schema {
  private readonly entityMap = new Map<string, EntitySpec>();
  private readonly entityDescriptionMap = new Map<string, string>();
  private readonly structureList: StructureBuilder[] = [];
  private readonly relationMap = new Map<string, RelationSpec>();
  private readonly classificationList: ClassificationSpec[] = [];

  /** Adds entity types (`dtype`/`threshold` apply to the types that do not set their own). */
  entities(types: EntityTypes, options: { dtype?: FieldDtype; threshold?: number } = {}): this {
    for (const [name, config] of namedEntries(types, "entities")) {
      const own = typeof config === "string" ? { description: config } : config;
      const where = `entities["${name}"]`;
      checkKnownKeys(own, ["description", "dtype", "threshold"], where);
      this.entityMap.set(name, {
        name,
        dtype: checkDtype(own.dtype ?? options.dtype, `${where}.dtype`),
        threshold: checkUnitInterval(own.threshold ?? options.threshold, `${where}.threshold`),
      });
      if (own.description !== undefined) this.entityDescriptionMap.set(name, checkString(own.description, `${where}.description`));
    }
    return this;
  }

  /** Adds a classification task over `labels` (a list, or label → description). */
  classification(task: string, labels: ClassificationLabels, options: ClassificationOptions = {}): this {
    const where = `classifications["${task}"]`;
    checkName(task, "classification task");
    if (this.classificationList.some((c) => c.task === task)) {
      throw new InvalidInputError(where, `Classification task "${task}" is declared twice; give each task once.`);
    }
    checkKnownKeys(options, ["multiLabel", "clsThreshold", "classAct", "examples", "prompt", "labels"], where);
    const descriptions = new Map<string, string>();
    let names: string[];
    if (Array.isArray(labels)) names = labels.map((l, i) => checkName(l, `${where}.labels[${i}]`));
    else if (isPlainObject(labels)) {
      names = Object.keys(labels).map((l) => checkName(l, `${where}.labels`));
      for (const [label, desc] of Object.entries(labels)) descriptions.set(label, checkString(desc, `${where}.labels["${label}"]`));
    } else throw new InvalidInputError(`${where}.labels`, `${where}.labels must be a list of labels or label → description; got ${describe(labels)}.`);
    if (names.length === 0) throw new InvalidInputError(`${where}.labels`, `${where} has no labels; give at least two, e.g. ["positive", "negative"].`);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate !== undefined) throw new InvalidInputError(`${where}.labels`, `${where} lists the label "${duplicate}" twice.`);
    const examples = (options.examples ?? []).map((e, i) => {
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string" || typeof e[1] !== "string") {
        throw new InvalidInputError(`${where}.examples`, `${where}.examples[${i}] must be an [input, label] pair of strings.`);
      }
      return [e[0], e[1]] as const;
    });
    const classAct = options.classAct ?? "auto";
    if (!["auto", "softmax", "sigmoid"].includes(classAct)) {
      throw new InvalidInputError(`${where}.classAct`, `${where}.classAct must be "auto", "softmax" or "sigmoid"; got ${describe(classAct)}.`);
    }
    this.classificationList.push({
      task,
      labels: names,
      descriptions,
      multiLabel: options.multiLabel ?? false,
      clsThreshold: checkUnitInterval(options.clsThreshold, `${where}.clsThreshold`) ?? DEFAULT_THRESHOLD,
      classAct,
      examples,
      prompt: options.prompt === undefined ? undefined : checkString(options.prompt, `${where}.prompt`),
    });
    return this;
  }

  /** Starts a structure; add fields with `.field()`, then continue with any Schema method. */
  structure(name: string): StructureBuilder {
    checkName(name, "structure");
    if (this.structureList.some((s) => s.name === name)) {
      throw new InvalidInputError(`structures["${name}"]`, `Structure "${name}" is declared twice; declare each structure once with all its fields.`);
    }
    const builder = new StructureBuilder(this, name);
    this.structureList.push(builder);
    return builder;
  }

  /** Adds relation types (each extracted as head/tail pairs). */
  relations(types: RelationTypes, options: { threshold?: number } = {}): this {
    for (const [name, config] of namedEntries(types, "relations")) {
      const own = typeof config === "string" ? { description: config } : config;
      const where = `relations["${name}"]`;
      checkKnownKeys(own, ["description", "threshold"], where);
      this.relationMap.set(name, { name, threshold: checkUnitInterval(own.threshold ?? options.threshold, `${where}.threshold`) });
    }
    return this;
  }

  /** @internal Overrides a structure's prompt field order (parity tests replay the reference's set order). */
  setPromptOrder(structure: string, order: readonly string[]): void {
    const builder = this.structureList.find((s) => s.name === structure);
    if (builder === undefined) throw new InvalidInputError("structure", `No structure "${structure}" in this schema.`);
    builder.setPromptOrder(order);
  }

  /** The checked schema the pipeline runs (throws on an empty schema or colliding names). */
  compile(): CompiledSchema {
    const structures = this.structureList.map((s) => s.spec());
    const compiled: CompiledSchema = {
      structures,
      entities: [...this.entityMap.values()],
      entityDescriptions: new Map(this.entityDescriptionMap),
      relations: [...this.relationMap.values()],
      classifications: [...this.classificationList],
    };
    checkKeys(compiled);
    return compiled;
  }
}

export class StructureBuilder {
  private readonly fieldList: FieldSpec[] = [];
  private promptOrder: readonly string[] | undefined;

  constructor(
    private readonly schema: Schema,
    readonly name: string,
  ) {}

  /** Adds a field (see {@link FieldOptions}); with `choices` it is classified among them. */
  field(name: string, options: FieldOptions = {}): this {
    const where = `structures["${this.name}"].${name}`;
    checkName(name, `field of structure "${this.name}"`);
    if (this.fieldList.some((f) => f.name === name)) {
      throw new InvalidInputError(where, `Structure "${this.name}" has the field "${name}" twice; field names must be unique.`);
    }
    checkKnownKeys(options, ["dtype", "choices", "description", "threshold", "validators", "name"], where);
    let choices: string[] | undefined;
    if (options.choices !== undefined) {
      if (!Array.isArray(options.choices) || options.choices.length === 0) {
        throw new InvalidInputError(`${where}.choices`, `${where}.choices must be a non-empty list of strings; got ${describe(options.choices)}.`);
      }
      choices = options.choices.map((c, i) => checkName(c, `${where}.choices[${i}]`));
    }
    this.fieldList.push({
      name,
      dtype: checkDtype(options.dtype, `${where}.dtype`),
      threshold: checkUnitInterval(options.threshold, `${where}.threshold`),
      choices,
      description: options.description === undefined || options.description === "" ? undefined : checkString(options.description, `${where}.description`),
      validators: (options.validators ?? []).map((v, i) => compileValidator(v, `${where}.validators[${i}]`)),
    });
    return this;
  }

  entities(...args: Parameters<Schema["entities"]>): Schema {
    return this.schema.entities(...args);
  }
  classification(...args: Parameters<Schema["classification"]>): Schema {
    return this.schema.classification(...args);
  }
  structure(name: string): StructureBuilder {
    return this.schema.structure(name);
  }
  relations(...args: Parameters<Schema["relations"]>): Schema {
    return this.schema.relations(...args);
  }
  compile(): CompiledSchema {
    return this.schema.compile();
  }

  /** @internal Overrides the prompt's field order (parity tests replay the reference's set order). */
  setPromptOrder(order: readonly string[]): void {
    this.promptOrder = order;
  }

  /** @internal */
  spec(): StructureSpec {
    if (this.fieldList.length === 0) {
      throw new InvalidInputError(`structures["${this.name}"]`, `Structure "${this.name}" has no fields; add at least one with .field(name).`);
    }
    const names = this.fieldList.map((f) => f.name);
    const order = this.promptOrder ?? names;
    if (order.length !== names.length || !order.every((n) => names.includes(n))) {
      throw new InvalidInputError(`structures["${this.name}"]`, `The prompt order of "${this.name}" must list exactly its fields.`);
    }
    return { name: this.name, fields: [...this.fieldList], promptOrder: [...order] };
  }
}

/** A schema from its JSON form; the same checks as the builder. */
export function schemaFromInput(input: SchemaInput): Schema {
  if (!isPlainObject(input)) throw new InvalidInputError("schema", `schema must be an object with entities/classifications/structures/relations; got ${describe(input)}.`);
  checkKnownKeys(input, ["entities", "classifications", "structures", "relations"], "schema");
  const schema = new Schema();
  if (input.structures !== undefined) addStructures(schema, input.structures);
  if (input.entities !== undefined) schema.entities(input.entities);
  if (input.relations !== undefined) schema.relations(input.relations);
  if (input.classifications !== undefined) addClassifications(schema, input.classifications);
  return schema;
}

export function addClassifications(schema: Schema, tasks: ClassificationTasks): void {
  if (!isPlainObject(tasks)) throw new InvalidInputError("classifications", `classifications must be an object task → labels; got ${describe(tasks)}.`);
  for (const [task, config] of Object.entries(tasks)) {
    if (isPlainObject(config) && "labels" in config) {
      const { labels, ...options } = config as ClassificationOptions & { labels: ClassificationLabels };
      schema.classification(task, labels, options);
    } else schema.classification(task, config as ClassificationLabels);
  }
}

export function addStructures(schema: Schema, structures: StructureSpecs): void {
  if (!isPlainObject(structures)) throw new InvalidInputError("structures", `structures must be an object name → fields; got ${describe(structures)}.`);
  for (const [name, fields] of Object.entries(structures)) {
    const builder = schema.structure(name);
    for (const [fieldName, options] of fieldEntries(fields, name)) builder.field(fieldName, options);
  }
}

function fieldEntries(fields: StructureFields, structure: string): Array<[string, FieldOptions]> {
  if (Array.isArray(fields)) {
    return fields.map((spec, i): [string, FieldOptions] => {
      if (typeof spec === "string") return parseFieldSpec(spec, `structures["${structure}"][${i}]`);
      if (isPlainObject(spec) && typeof (spec as { name?: unknown }).name === "string") {
        const { name, ...options } = spec as FieldOptions & { name: string };
        return [name, options];
      }
      throw new InvalidInputError(`structures["${structure}"][${i}]`, `structures["${structure}"][${i}] must be a "name::dtype::[a|b]::description" string or { name, ... }; got ${describe(spec)}.`);
    });
  }
  if (isPlainObject(fields)) return Object.entries(fields as Record<string, FieldOptions>);
  throw new InvalidInputError(`structures["${structure}"]`, `structures["${structure}"] must be a list of field specs; got ${describe(fields)}.`);
}

/**
 * `"name::str|list::[a|b|c]::description"` → name and options, as the reference's `_parse_field_spec`:
 * parts in any order after the name; choices without an explicit dtype make the field "str".
 */
export function parseFieldSpec(spec: string, where = "field"): [string, FieldOptions] {
  const [name = "", ...parts] = spec.split("::");
  if (name.trim() === "") throw new InvalidInputError(where, `Field spec ${JSON.stringify(spec)} has no name; write "name::str::description".`);
  const options: { dtype?: FieldDtype; choices?: string[]; description?: string } = {};
  let explicitDtype = false;
  for (const part of parts) {
    if (part === "str" || part === "list") {
      options.dtype = part;
      explicitDtype = true;
    } else if (part.startsWith("[") && part.endsWith("]")) {
      options.choices = part.slice(1, -1).split("|").map((c) => c.trim());
      if (options.choices.some((c) => c === "")) throw new InvalidInputError(where, `Field spec ${JSON.stringify(spec)} has an empty choice; write [a|b|c].`);
      if (!explicitDtype) options.dtype = "str";
    } else if (part.startsWith("[") || /^(string|int|float|bool|number|dict)$/i.test(part)) {
      throw new InvalidInputError(where, `Field spec ${JSON.stringify(spec)}: "${part}" is neither a dtype (str, list) nor choices [a|b]; write "name::str::[a|b]::description".`);
    } else options.description = part;
  }
  return [name, options];
}

function compileValidator(spec: RegexValidatorSpec, where: string): RegExpValidator {
  if (!isPlainObject(spec)) throw new InvalidInputError(where, `${where} must be { pattern, mode?, exclude? }; got ${describe(spec)}.`);
  checkKnownKeys(spec, ["pattern", "mode", "exclude", "flags"], where);
  const mode = spec.mode ?? "full";
  if (mode !== "full" && mode !== "partial") throw new InvalidInputError(`${where}.mode`, `${where}.mode must be "full" or "partial"; got ${describe(mode)}.`);
  const source = spec.pattern instanceof RegExp ? spec.pattern.source : spec.pattern;
  const flags = (spec.flags ?? (spec.pattern instanceof RegExp ? spec.pattern.flags : "i")).replace(/[gy]/g, "");
  try {
    return { regex: new RegExp(mode === "full" ? `^(?:${source})$` : source, flags), exclude: spec.exclude ?? false };
  } catch (cause) {
    throw new InvalidInputError(`${where}.pattern`, `${where}.pattern is not a valid regular expression: ${String(cause)}`, { cause });
  }
}

function namedEntries<T>(types: string | readonly string[] | Readonly<Record<string, string | T>>, argument: string): Array<[string, string | T]> {
  let entries: Array<[string, string | T]>;
  if (typeof types === "string") entries = [[types, {} as T]];
  else if (Array.isArray(types)) entries = types.map((t, i) => [checkName(t, `${argument}[${i}]`), {} as T]);
  else if (isPlainObject(types)) {
    entries = Object.entries(types as Record<string, string | T>).map(([name, config]) => {
      if (typeof config !== "string" && !isPlainObject(config)) {
        throw new InvalidInputError(`${argument}["${name}"]`, `${argument}["${name}"] must be a description string or an options object; got ${describe(config)}.`);
      }
      return [name, config];
    });
  } else throw new InvalidInputError(argument, `${argument} must be a name, a list of names or an object name → options; got ${describe(types)}.`);
  if (entries.length === 0) throw new InvalidInputError(argument, `${argument} is empty; give at least one type.`);
  for (const [name] of entries) checkName(name, argument);
  return entries;
}

function checkKeys(schema: CompiledSchema): void {
  const keys = [
    ...schema.structures.map((s) => ["structure", s.name]),
    ...schema.relations.map((r) => ["relation", r.name]),
    ...schema.classifications.map((c) => ["classification task", c.task]),
  ];
  if (keys.length === 0 && schema.entities.length === 0) {
    throw new InvalidInputError("schema", "The schema is empty; add entities, a classification, a structure or relations.");
  }
  const seen = new Map<string, string>();
  for (const [kind = "", name = ""] of keys) {
    if (RESERVED_KEYS.has(name)) throw new InvalidInputError(name, `A ${kind} cannot be called "${name}": that key holds the ${name} results.`);
    const other = seen.get(name);
    if (other !== undefined) throw new InvalidInputError(name, `"${name}" names both a ${other} and a ${kind}; results are keyed by name, so rename one.`);
    seen.set(name, kind);
  }
}

function checkName(value: unknown, where: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new InvalidInputError(where, `${where}: names must be non-empty strings; got ${describe(value)}.`);
  return value;
}

function checkString(value: unknown, where: string): string {
  if (typeof value !== "string") throw new InvalidInputError(where, `${where} must be a string; got ${describe(value)}.`);
  return value;
}

function checkDtype(value: unknown, where: string): FieldDtype {
  if (value === undefined) return "list";
  if (value !== "str" && value !== "list") throw new InvalidInputError(where, `${where} must be "str" or "list"; got ${describe(value)}.`);
  return value;
}

export function checkUnitInterval(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new InvalidInputError(where, `${where} must be a number in [0, 1]; got ${describe(value)}.`);
  return value;
}

function checkKnownKeys(value: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new InvalidInputError(`${where}.${key}`, `${where}: unknown option "${key}"; allowed: ${allowed.join(", ")}.`);
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}

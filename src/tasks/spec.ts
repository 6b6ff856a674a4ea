/**
 * What a task is (see registry.ts for how one is added): a name, its inputs and options as JSON schemas with
 * defaults, a `run` from validated inputs to pipeline requests and from predictions to results, and the name and
 * schema of its result. The engine is the model as a task sees it: the pipeline, batched, with prompt prefixes.
 */
import type { ModelConfig } from "../model/config.js";
import type { PromptedPrediction } from "../pipeline.js";
import type { Word } from "../text/words.js";
import type { PredictOptions } from "../types.js";
import type { Relation, RelationOptions } from "./types.js";
import { type JsonSchema, type ObjectSchema, objectSchema } from "./schema.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

/** One pipeline request a task makes: a text, its labels, and optionally the prompt read before it. */
export interface TaskRequest {
  readonly text: string;
  readonly labels: readonly string[];
  /** The task prompt (model text `${prompt} \n ${text}`); its spans come back in `promptEntities`. */
  readonly prompt?: string;
  /** Words of `text`, already split (offsets into `text`). */
  readonly words?: readonly Word[];
}

/** The model as tasks see it: one batched pipeline call for many requests; `results[i]` answers `requests[i]`. */
export interface TaskEngine {
  readonly config: ModelConfig;
  predict(requests: readonly TaskRequest[], options: PredictOptions): Promise<PromptedPrediction[]>;
  /** Relex models: relations from the model's own relation head, which the relations task uses instead of prompts. */
  relationHead?(texts: readonly string[], options: RelationOptions): Promise<Relation[][]>;
}

/** The options every task passes to the pipeline unchanged (long texts, batching, token-model scoring). */
export type RunOptions = Pick<
  PredictOptions,
  "truncation" | "window" | "overlap" | "batchSize" | "batchOrder" | "tokenScore" | "maxPromptTokens" | "wordSplitter" | "onTruncate" | "signal" | "labelEmbeddings"
>;

/** One input of a task: a text and the task's per-text fields (a question, classes, ...). */
export interface TaskInput {
  readonly text: string;
}

export interface TaskSpec<Input extends TaskInput = TaskInput, Options = Record<string, unknown>, Result = unknown, Engine = TaskEngine> {
  /** The task's name everywhere: `model.run(name)`, `POST /v1/<name>`, `gliner-ts <name>`, `batch --task <name>`. */
  readonly name: string;
  /** The model class it runs on and whose engine `run` receives: GLiNER (default) or GLiNER2 (its options are its own, without {@link RUN_OPTIONS}). */
  readonly modelClass?: "GLiNER2";
  /** One line for help texts and the OpenAPI summary. */
  readonly summary: string;
  readonly description: string;
  /** An input's fields besides `text` (e.g. `question`); surfaces let one value stand for every text. */
  readonly input: ObjectSchema;
  /** The task's options with their defaults; {@link RUN_OPTIONS} are added to every task. */
  readonly options: ObjectSchema;
  /** The result field every surface answers with, and one input's result; `spread`: its fields are the answer. */
  readonly result: { readonly name: string; readonly schema: JsonSchema; readonly spread?: boolean };
  /** Runs validated inputs (defaults applied) as batched pipeline calls; `results[i]` answers `inputs[i]`. */
  run(engine: Engine, inputs: readonly Input[], options: Options & RunOptions): Promise<Result[]>;
}

/** Types a spec end to end; the registry holds specs of unknown inputs and options. */
export function defineTask<Input extends TaskInput, Options, Result, Engine = TaskEngine>(spec: TaskSpec<Input, Options, Result, Engine>): TaskSpec {
  return spec as unknown as TaskSpec;
}

// ── Schemas the tasks share ─────────────────────────────────────────────────────────────────────────────

export const threshold = (defaultValue: number = DEFAULT_THRESHOLD, description = "Keep spans whose probability is above this."): JsonSchema => ({
  type: "number",
  exclusiveMinimum: 0,
  exclusiveMaximum: 1,
  default: defaultValue,
  description: `${description} Default ${defaultValue}.`,
});

/** A label (entity type, class, relation name): the server caps these at its label length. */
export const LABEL_SCHEMA: JsonSchema = { type: "string", minLength: 1, pattern: "\\S" };
export const label = LABEL_SCHEMA;

export const labels = (description: string, examples?: readonly string[]): JsonSchema => ({
  type: "array",
  minItems: 1,
  items: label,
  description,
  ...(examples === undefined ? {} : { examples: [examples] }),
});

export const topK: JsonSchema = { type: "integer", minimum: 1, description: "Keep at most this many (best first)." };

export const prompt = (defaultValue: string, description: string): JsonSchema => ({ type: "string", default: defaultValue, description });

export const flatNer: JsonSchema = { type: "boolean", default: true, description: "No overlapping spans (default true); false keeps nested ones." };
export const multiLabel: JsonSchema = { type: "boolean", default: false, description: "Allow several labels on one span (default false)." };

export const entitySchema: JsonSchema = { $ref: "Entity#" };

/** A span of the caller's text with its score (answers, sentiment spans). */
export const spanSchema = (extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: "object",
  required: ["text", "start", "end", "score", ...Object.keys(extra)],
  properties: { text: { type: "string" }, start: { type: "integer" }, end: { type: "integer" }, ...extra, score: { type: "number" } },
});

/** Options every task takes and passes to the pipeline (JSON ones; `onTruncate` is a library-only callback). */
export const RUN_OPTIONS: ObjectSchema = objectSchema({
  truncation: {
    type: "string",
    enum: ["window", "truncate", "error"],
    default: "window",
    description: "Texts longer than the model's maxLength (words per pass): window (default), truncate, or error.",
  },
  window: { type: "integer", minimum: 2, description: "Window size in words for long texts (default: the model's maxLength minus the prompt's words)." },
  overlap: { type: "integer", minimum: 0, description: "Words shared by consecutive windows (default: a quarter of the window)." },
  batchSize: {
    anyOf: [{ type: "integer", minimum: 1 }, { type: "string", enum: ["auto"] }],
    default: 8,
    description: "Passes per model call (default 8), or auto (sized by sub-tokens).",
  },
  batchOrder: {
    type: "string",
    enum: ["length", "input"],
    default: "length",
    description: "length (default): batches of similar length; input: batches of consecutive texts, as the reference's evaluator.",
  },
  tokenScore: { type: "string", enum: ["min", "mean"], default: "min", description: "Token-level models: span score rule (default min)." },
  wordSplitter: {
    type: "string",
    pattern: "^(whitespace|intl|auto)(:.+)?$",
    description: "How texts are cut into words: whitespace (the reference's rule), intl, auto, optionally with a locale (intl:ja). Default: the model's.",
  },
  maxPromptTokens: { type: "integer", minimum: 1, description: "Sub-tokens a label prompt may take before labels are split into groups (default 512)." },
});

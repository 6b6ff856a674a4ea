/**
 * gliner-ts, runtime-neutral surface. The package entries `gliner-ts` (Node) and `gliner-ts/web` (browser)
 * re-export this with a `GLiNER` whose `fromPretrained` uses their runtime.
 */
export { GLiNER as GLiNERBase, type GlinerLoadOptions } from "./gliner.js";
export { GLiNER2 as GLiNER2Base, type Gliner2ModelLoadOptions, type SchemaLike } from "./gliner2/model.js";
export type { Gliner2Config, Gliner2LoadOptions } from "./gliner2/load.js";
export { Schema, StructureBuilder, parseFieldSpec } from "./gliner2/schema.js";
export type * from "./gliner2/types.js";
export type { LoadOptions } from "./model/load.js";
export type { ModelConfig, ModelFamily, ModelMode } from "./model/config.js";
export { MODEL_DTYPES, type ModelDtype } from "./model/files.js";
export type { EntityRelation, RelationEntity, RelationPredictOptions, RelationPrediction, RelationStreamOptions, RelationStreamResult } from "./relex/types.js";
export type { RelationRecord, RelationStreamSource } from "./relex/stream.js";
export { DEFAULT_THRESHOLD } from "./defaults.js";
export type { Entity, PredictOptions, TextPrediction, Truncation, TruncationInfo } from "./types.js";
export type { LabelEmbeddings } from "./labels/encoder.js";
export type { StreamInput, StreamOptions, StreamResult, StreamSource, TextRecord } from "./long/stream.js";
export {
  getTaskSpec,
  inputSchema,
  optionsSchema,
  resultFields,
  TASK_SPECS,
  taskNames,
  type TaskName,
  type TaskTypes,
} from "./tasks/registry.js";
export { defineTask, LABEL_SCHEMA, type RunOptions, type TaskEngine, type TaskInput, type TaskRequest, type TaskSpec } from "./tasks/spec.js";
export type { JsonSchema, ObjectSchema } from "./tasks/schema.js";
export type { PromptedPrediction } from "./pipeline.js";
export type {
  Answer,
  AnswerOptions,
  Classification,
  ClassifyOptions,
  ExtractOptions,
  Keyphrase,
  KeyphraseOptions,
  NerInput,
  NerOptions,
  Polarity,
  Relation,
  RelationOptions,
  RelationSpec,
  SentimentOptions,
  SentimentSpan,
  Summary,
  SummarizeOptions,
  TaskRunOptions,
} from "./tasks/types.js";
export {
  CLASSIFY_PROMPT,
  KEYPHRASE_PROMPT,
  QA_PROMPT,
  RELATION_PROMPT,
  SEED_CARD_SUMMARY_PROMPT,
  SEED_CARD_SUMMARY_THRESHOLD,
  SENTIMENT_LABELS,
  SENTIMENT_PROMPT,
  SUMMARY_PROMPT,
  SUMMARY_THRESHOLD,
} from "./tasks/prompts.js";
export type {
  DownloadProgress,
  GraphOptimizationLevel,
  ModelFiles,
  OpenOptions,
  OrtLogLevel,
  Runtime,
  Session,
  SessionOptions,
  SessionRecycling,
  TensorData,
} from "./runtime/runtime.js";
export {
  GlinerError,
  type GlinerErrorCode,
  HubError,
  InferenceError,
  InvalidInputError,
  isGlinerError,
  ModelLoadError,
  TextTooLongError,
  WrongModelClassError,
} from "./errors.js";
export { splitWords, type Word } from "./text/words.js";

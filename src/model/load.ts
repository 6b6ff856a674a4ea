/**
 * Loading a model: files (through the runtime) → config, tokenizer, ONNX session, with every cross-check
 * that turns a confusing failure later into a clear error now.
 */
import { InvalidInputError, ModelLoadError, WrongModelClassError } from "../errors.js";
import type { LabelsEncoder } from "../labels/encoder.js";
import type { ModelFiles, OpenOptions, Runtime, Session, SessionOptions } from "../runtime/runtime.js";
import { createSessionWithPolicy, policyFor } from "../runtime/recycle.js";
import { logSeverity } from "../runtime/session-defaults.js";
import type { WordSplitter } from "../text/words.js";
import { checkWordSplitter } from "../validate.js";
import { emitWarningOnce } from "../warnings.js";
import { isBiEncoder, type ModelConfig, parseModelConfig } from "./config.js";
import { onnxCandidates, onnxFileForDtype } from "./files.js";
import { checkEmbeddingRows, VocabularyMismatchError } from "./onnx-embedding.js";
import { biEncoderOnnxFiles, firstPresent, loadLabelsEncoder } from "./load-labels.js";
import { WordTokenizer } from "./tokenizer.js";
import { checkRelexSignature, checkRelexTokens, relexConvertHint, RelexOnnxMissingError } from "../relex/model-check.js";

export interface LoadOptions extends OpenOptions {
  /** ONNX variant by transformers.js file naming (default "fp32" → model.onnx). */
  dtype?: string;
  /** Explicit ONNX file inside the model folder (overrides `dtype`), e.g. "onnx/model_legacy.onnx". */
  onnxFile?: string;
  /** Overrides the config's `max_len` (words per pass), like the reference's `from_pretrained(max_length=…)`. */
  maxLength?: number;
  session?: SessionOptions;
  /**
   * How texts are cut into words unless a call says otherwise: `"whitespace"` (the reference), `"intl"`,
   * `"auto"`, optionally with a locale (`"intl:ja"`). Default: what the config's `words_splitter_type` names.
   */
  wordSplitter?: WordSplitter;
  /**
   * Bi-encoders: label embeddings kept in the LRU cache keyed by label text (default 10,000; 0 disables it).
   * Repeated calls with cached labels skip the labels encoder.
   */
  labelCacheSize?: number;
}

export interface LoadedModel {
  readonly config: ModelConfig;
  readonly tokenizer: WordTokenizer;
  readonly session: Session;
  readonly source: string;
  readonly onnxFile: string;
  /** Bi-encoders: the labels tokenizer and encoder with the label-embedding cache. */
  readonly labels?: LabelsEncoder;
}

const SPAN_INPUTS = ["input_ids", "attention_mask", "words_mask", "text_lengths", "span_idx", "span_mask"];
const TOKEN_INPUTS = ["input_ids", "attention_mask", "words_mask", "text_lengths"];
/** Bi-encoder graphs take the labels as tokens (model.onnx) or as embeddings (model_labels_embeddings.onnx). */
const LABEL_TOKEN_INPUTS = ["labels_input_ids", "labels_attention_mask"];
const LABEL_EMBEDDING_INPUTS = ["labels_embeddings"];

export async function loadModel(runtime: Runtime, source: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const files = await runtime.openModel(source, options);
  const rawConfig = await readJson(files, "gliner_config.json", false);
  if (rawConfig === undefined) {
    if (isGliner2Config(await readJson(files, "config.json", false))) {
      throw new WrongModelClassError(
        "GLiNER2",
        `${files.description} is a GLiNER2 model (config.json of a GLiNER2 extractor, no gliner_config.json); load it with GLiNER2.fromPretrained.`,
      );
    }
    throw new ModelLoadError(`${files.description} has no gliner_config.json; a GLiNER model folder needs it.`);
  }
  let config = parseModelConfig(rawConfig, "gliner_config.json");
  if (options.maxLength !== undefined) {
    if (!Number.isInteger(options.maxLength) || options.maxLength < 2) {
      throw new InvalidInputError("maxLength", `maxLength must be an integer ≥ 2 (words per pass); got ${String(options.maxLength)}.`);
    }
    config = { ...config, maxLength: options.maxLength };
  }
  if (options.wordSplitter !== undefined) config = { ...config, wordSplitter: checkWordSplitter(options.wordSplitter) };
  else if (config.wordSplitterNotice !== undefined) emitWarningOnce(config.wordSplitterNotice, "GlinerWordSplitterWarning");
  const tokenizer = await readTokenizer(files);
  const biEncoder = isBiEncoder(config.family);
  if (!biEncoder) checkPromptTokens(config, tokenizer, files);
  checkRelexTokens(config, tokenizer, files.description);

  const file = options.onnxFile ?? onnxFileForDtype(options.dtype ?? "fp32");
  const candidates = options.onnxFile === undefined && biEncoder ? await biEncoderOnnxFiles(files, file) : onnxCandidates(file);
  const convertHint = config.relex ? relexConvertHint(source) : undefined;
  const checks: SessionChecks = {
    ...(convertHint === undefined ? {} : { convertHint }),
    beforeCreate: async (located) => {
      // The model's own rows decide; the config's vocab_size only when the ONNX file does not tell them.
      const table = await checkEmbeddingRows(runtime, located, tokenizer.idCount, files.description, { convertHint });
      if (table === undefined && !biEncoder) checkConfigVocabSize(config, tokenizer, files);
    },
  };
  const { session, onnxFile } = await openSession(runtime, files, options, candidates, checks).catch(
    (error: unknown) => {
      // No relex ONNX of gliner-ts: a distinct error, so that the Node entry can convert the checkpoint instead.
      const convertible = error instanceof ModelLoadError && !(error instanceof VocabularyMismatchError);
      throw config.relex && convertible ? new RelexOnnxMissingError(error.message, { cause: error }) : error;
    },
  );
  try {
    const labels = biEncoder ? await loadLabelsEncoder(runtime, files, config, { session, onnxFile }, options) : undefined;
    if (config.relex) checkRelexSignature(config, session, onnxFile, source);
    else checkSignature(config, session, onnxFile);
    return { config, tokenizer, session, source: files.description, onnxFile, ...(labels ? { labels } : {}) };
  } catch (error) {
    // A refused model must not keep its session (and, off the main thread, a worker that holds the process open).
    await session.release().catch(() => undefined);
    throw error;
  }
}

/** GLiNER2's config.json (fastino-ai/GLiNER2 ExtractorConfig), as opposed to a GLiNER or plain encoder config. */
export function isGliner2Config(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null) return false;
  const c = raw as Record<string, unknown>;
  const architectures = Array.isArray(c["architectures"]) ? c["architectures"] : [];
  return c["model_type"] === "extractor" || "counting_layer" in c || architectures.includes("GLiNER2");
}

/** tokenizer.json (+ tokenizer_config.json) of a model folder. */
export async function readTokenizer(files: ModelFiles): Promise<WordTokenizer> {
  return new WordTokenizer({
    tokenizer: (await readJson(files, "tokenizer.json", true)) as Record<string, unknown>,
    tokenizerConfig: ((await readJson(files, "tokenizer_config.json", false)) ?? {}) as Record<string, unknown>,
  });
}

export interface SessionChecks {
  /** Said when no ONNX file is found or ONNX Runtime refuses it (how to get a fitting one). */
  convertHint?: string;
  /** Runs on the located file before ONNX Runtime loads it: a refusal here costs no session. */
  beforeCreate?: (located: { name: string; model: string | Uint8Array }) => Promise<void>;
}

/** The first present ONNX file of `candidates` (default: `onnxFile`/`dtype`, onnx/ then the root) in a session. */
export async function openSession(
  runtime: Runtime,
  files: ModelFiles,
  options: LoadOptions,
  candidates = onnxCandidates(options.onnxFile ?? onnxFileForDtype(options.dtype ?? "fp32")),
  { convertHint, beforeCreate }: SessionChecks = {},
): Promise<{ session: Session; onnxFile: string }> {
  const located = await firstPresent(files, candidates);
  if (located === undefined) {
    throw new ModelLoadError(
      `No ONNX file ${candidates.map((c) => `"${c}"`).join(" or ")} in ${files.description}. ` +
        (convertHint ?? `Pick another dtype/onnxFile, or convert the checkpoint with "gliner-ts convert".`),
    );
  }
  // A wrong setting is the caller's error, not a load failure.
  policyFor(runtime, options.session ?? {});
  logSeverity(options.session?.logLevel);
  await beforeCreate?.(located);
  let session: Session;
  try {
    session = await createSessionWithPolicy(runtime, located.model, options.session ?? {});
  } catch (cause) {
    const hint = convertHint === undefined ? "" : ` ${convertHint}`;
    throw new ModelLoadError(`ONNX Runtime could not load ${located.name} from ${files.description}: ${String(cause)}${hint}`, {
      cause,
    });
  }
  return { session, onnxFile: located.name };
}

export async function readJson(files: ModelFiles, name: string, required: boolean): Promise<unknown> {
  const text = await files.readText(name);
  if (text === undefined) {
    if (!required) return undefined;
    throw new ModelLoadError(`${files.description} has no ${name}; the model folder needs it.`);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ModelLoadError(`${name} in ${files.description} is not valid JSON.`, { cause });
  }
}

function checkPromptTokens(config: ModelConfig, tokenizer: WordTokenizer, files: ModelFiles): void {
  const entId = tokenizer.tokenId(config.entToken);
  if (entId !== config.classTokenIndex) {
    throw new ModelLoadError(
      `gliner_config.json says class_token_index ${config.classTokenIndex} but the tokenizer of ` +
        `${files.description} gives "${config.entToken}" the id ${entId ?? "none"}; the tokenizer does not belong to this model.`,
    );
  }
  if (tokenizer.tokenId(config.sepToken) === undefined) {
    throw new ModelLoadError(`The tokenizer of ${files.description} has no "${config.sepToken}" token.`);
  }
}

/** The fallback of checkEmbeddingRows for ONNX files whose embedding table is not found by name. */
function checkConfigVocabSize(config: ModelConfig, tokenizer: WordTokenizer, files: ModelFiles): void {
  if (config.vocabSize !== undefined && tokenizer.idCount > config.vocabSize) {
    throw new VocabularyMismatchError(
      `The tokenizer of ${files.description} has ids up to ${tokenizer.idCount - 1} but gliner_config.json's "vocab_size" ` +
        `(the model's embedding rows) is ${config.vocabSize}; the tokenizer does not belong to this model.`,
    );
  }
}

function checkSignature(config: ModelConfig, session: Session, file: string): void {
  const text = config.mode === "span" ? SPAN_INPUTS : TOKEN_INPUTS;
  const expected = !isBiEncoder(config.family)
    ? text
    : [...text, ...(session.inputNames.includes("labels_embeddings") ? LABEL_EMBEDDING_INPUTS : LABEL_TOKEN_INPUTS)];
  const missing = expected.filter((name) => !session.inputNames.includes(name));
  const extra = session.inputNames.filter((name) => !expected.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new ModelLoadError(
      `${file} does not fit a ${config.mode}-level GLiNER (${config.family}, span_mode "${config.spanMode}"): it takes ` +
        `[${session.inputNames.join(", ")}] but [${expected.join(", ")}] are needed` +
        `${missing.length ? `; missing ${missing.join(", ")}` : ""}${extra.length ? `; unexpected ${extra.join(", ")}` : ""}.`,
    );
  }
  if (!session.outputNames.includes("logits")) {
    throw new ModelLoadError(`${file} has no "logits" output (outputs: ${session.outputNames.join(", ")}).`);
  }
}

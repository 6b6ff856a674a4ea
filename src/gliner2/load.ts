/**
 * Loading a GLiNER2 model folder (config.json + encoder_config/ + tokenizer files + onnx/model*.onnx) with the
 * model loader GLiNER uses (hub/cache, dtype, session options, errors), plus GLiNER2's own checks.
 */
import { GlinerError, ModelLoadError, WrongModelClassError } from "../errors.js";
import { type LoadOptions, openSession, readJson, readTokenizer } from "../model/load.js";
import { checkEmbeddingRows } from "../model/onnx-embedding.js";
import { isGliner2Config } from "../model/load.js";
import { onnxCandidates, onnxFileForDtype } from "../model/files.js";
import type { ModelFiles, Runtime, Session } from "../runtime/runtime.js";
import type { WordSplitterSpec } from "../text/words.js";
import { checkWordSplitter } from "../validate.js";
import { SequenceEncoder } from "./sequence.js";
import { GLINER2_INPUTS, GLINER2_OUTPUTS } from "./tensors.js";

export interface Gliner2Config {
  /** Span widths (max_width, 8 for the published models). */
  readonly maxWidth: number;
  readonly countingLayer: string;
  readonly modelName: string;
}

export interface LoadedGliner2 {
  readonly config: Gliner2Config;
  readonly encoder: SequenceEncoder;
  readonly session: Session;
  readonly source: string;
  readonly onnxFile: string;
  /** The default word splitter (the `wordSplitter` load option; the reference's rule otherwise). */
  readonly wordSplitter: WordSplitterSpec;
}

export type Gliner2LoadOptions = Omit<LoadOptions, "maxLength">;

/**
 * Builds the missing ONNX graph of a checkpoint-only folder (model.safetensors) and returns the folder that
 * now holds it; supplied by the Node entry (the converter), absent in the browser.
 */
export type ConvertOnFirstUse = (source: string, options: Gliner2LoadOptions) => Promise<string>;

export async function loadGliner2(
  runtime: Runtime,
  source: string,
  options: Gliner2LoadOptions = {},
  convert?: ConvertOnFirstUse,
): Promise<LoadedGliner2> {
  const files = await runtime.openModel(source, options);
  const raw = await readJson(files, "config.json", false);
  if (!isGliner2Config(raw)) {
    if ((await readJson(files, "gliner_config.json", false)) !== undefined) {
      throw new WrongModelClassError("GLiNER", `${files.description} is a GLiNER model (gliner_config.json); load it with GLiNER.fromPretrained.`);
    }
    throw new ModelLoadError(
      raw === undefined
        ? `${files.description} has no config.json; a GLiNER2 model folder holds config.json, encoder_config/config.json, the tokenizer files and onnx/model.onnx.`
        : `config.json in ${files.description} is not a GLiNER2 config (no model_type "extractor" / counting_layer).`,
    );
  }
  const config = parseGliner2Config(raw as Record<string, unknown>, files.description);
  if (convert !== undefined && options.onnxFile === undefined && !(await hasOnnx(files, options))) {
    return loadGliner2(runtime, await convert(source, options), options);
  }
  const tokenizer = await readTokenizer(files);
  const encoder = new SequenceEncoder(tokenizer);
  let opened;
  try {
    opened = await openSession(runtime, files, options, undefined, {
      beforeCreate: async (located) => void (await checkEmbeddingRows(runtime, located, tokenizer.idCount, files.description)),
    });
  } catch (error) {
    if (!(error instanceof ModelLoadError) || !/^No ONNX file/.test(error.message)) throw error;
    throw new ModelLoadError(
      `${files.description} has no ONNX graph (GLiNER2 checkpoints ship model.safetensors only); convert it once with ` +
        `"gliner-ts convert ${source} --out <folder>" and load that folder.`,
      { cause: error },
    );
  }
  try {
    checkSignature(opened.session, opened.onnxFile);
    const wordSplitter = options.wordSplitter === undefined ? { kind: "whitespace" as const } : checkWordSplitter(options.wordSplitter);
    return { config, encoder, session: opened.session, source: files.description, onnxFile: opened.onnxFile, wordSplitter };
  } catch (error) {
    await opened.session.release().catch(() => undefined); // a refused model keeps no session (model/load.ts)
    throw error;
  }
}

function parseGliner2Config(c: Record<string, unknown>, where: string): Gliner2Config {
  const architecture = c["architecture"] ?? "span";
  if (architecture !== "span") {
    throw new GlinerError("UNSUPPORTED", `GLiNER2 architecture "${String(architecture)}" is not supported (${where}); gliner-ts runs the "span" models.`);
  }
  const pooling = c["token_pooling"] ?? "first";
  if (pooling !== "first") {
    throw new GlinerError("UNSUPPORTED", `GLiNER2 token_pooling "${String(pooling)}" is not supported (${where}); gliner-ts implements "first".`);
  }
  const maxWidth = c["max_width"] ?? 8;
  if (typeof maxWidth !== "number" || !Number.isInteger(maxWidth) || maxWidth < 1) throw new ModelLoadError(`config.json in ${where}: max_width must be a positive integer.`);
  return { maxWidth, countingLayer: String(c["counting_layer"] ?? "count_lstm"), modelName: String(c["model_name"] ?? "") };
}

async function hasOnnx(files: ModelFiles, options: Gliner2LoadOptions): Promise<boolean> {
  for (const name of onnxCandidates(onnxFileForDtype(options.dtype ?? "fp32"))) {
    if ((await files.locateModel(name)) !== undefined) return true;
  }
  return false;
}

function checkSignature(session: Session, file: string): void {
  const missing = GLINER2_INPUTS.filter((n) => !session.inputNames.includes(n));
  const missingOut = GLINER2_OUTPUTS.filter((n) => !session.outputNames.includes(n));
  if (missing.length > 0 || missingOut.length > 0 || session.inputNames.length !== GLINER2_INPUTS.length) {
    throw new ModelLoadError(
      `${file} is not a GLiNER2 boundary graph: it takes [${session.inputNames.join(", ")}] and returns [${session.outputNames.join(", ")}]; ` +
        `[${GLINER2_INPUTS.join(", ")}] → [${GLINER2_OUTPUTS.join(", ")}] are needed (see docs/gliner2.md).`,
    );
  }
}

/**
 * Typed errors. Every error gliner-ts throws on purpose is a {@link GlinerError} with a stable `code`,
 * a message that says what was wrong and how to fix it, and the underlying `cause` when there is one.
 */

export type GlinerErrorCode =
  | "INVALID_INPUT"
  | "MODEL_LOAD"
  | "HUB"
  | "INFERENCE"
  | "TEXT_TOO_LONG"
  | "UNSUPPORTED"
  | "UNSAFE_CHECKPOINT";

export class GlinerError extends Error {
  override name = "GlinerError";
  readonly code: GlinerErrorCode;

  constructor(code: GlinerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Bad arguments from the caller: wrong type, empty label list, threshold out of range, ... */
export class InvalidInputError extends GlinerError {
  override name = "InvalidInputError";
  /** The option or argument that was wrong, e.g. `"labels"` or `"threshold"`. */
  readonly argument: string;

  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super("INVALID_INPUT", message, options);
    this.argument = argument;
  }
}

/** The model folder or its files cannot be used: missing file, bad config, wrong ONNX signature. */
export class ModelLoadError extends GlinerError {
  override name = "ModelLoadError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("MODEL_LOAD", message, options);
  }
}

/** A model folder of the other family: a GLiNER2 folder given to `GLiNER`, or a GLiNER folder given to `GLiNER2`. */
export class WrongModelClassError extends ModelLoadError {
  override name = "WrongModelClassError";
  /** The class that loads this folder. */
  readonly modelClass: "GLiNER" | "GLiNER2";

  constructor(modelClass: "GLiNER" | "GLiNER2", message: string) {
    super(message);
    this.modelClass = modelClass;
  }
}

/** Downloading from the Hugging Face hub failed (HTTP status, offline mode, size/ETag mismatch). */
export class HubError extends GlinerError {
  override name = "HubError";
  /** HTTP status when the hub answered, undefined for network failures and offline misses. */
  readonly status: number | undefined;
  readonly url: string | undefined;

  constructor(message: string, details: { status?: number; url?: string; cause?: unknown } = {}) {
    super("HUB", message, { cause: details.cause });
    this.status = details.status;
    this.url = details.url;
  }
}

/** The ONNX session failed or returned something that does not fit the model. */
export class InferenceError extends GlinerError {
  override name = "InferenceError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("INFERENCE", message, options);
  }
}

/** A text exceeds the model's word budget and `truncation: "error"` was asked for. */
export class TextTooLongError extends GlinerError {
  override name = "TextTooLongError";
  /** The text's words. */
  readonly words: number;
  /** Words of text one pass reads: the model's `maxLength`, less a task prompt's words. */
  readonly maxLength: number;

  constructor(words: number, maxLength: number, index?: number) {
    const which = index === undefined ? "The text" : `Text ${index}`;
    super(
      "TEXT_TOO_LONG",
      `${which} has ${words} words but the model takes at most ${maxLength} per pass. ` +
        `Use truncation: "window" (split into overlapping windows) or "truncate" (keep the first ${maxLength} words).`,
    );
    this.words = words;
    this.maxLength = maxLength;
  }
}

const CODES: ReadonlySet<string> = new Set<GlinerErrorCode>([
  "INVALID_INPUT",
  "MODEL_LOAD",
  "HUB",
  "INFERENCE",
  "TEXT_TOO_LONG",
  "UNSUPPORTED",
  "UNSAFE_CHECKPOINT",
]);

/** True for any error thrown by gliner-ts on purpose, also across realms (workers, vm contexts). */
export function isGlinerError(value: unknown): value is GlinerError {
  if (value instanceof GlinerError) return true;
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return typeof code === "string" && CODES.has(code) && typeof message === "string";
}

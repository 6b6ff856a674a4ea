/**
 * What the `gliner-ts` command prints for an error, and its exit code: always one line, never a stack trace
 * (unless GLINER_TS_DEBUG=1). Bad flags, bad input, unreadable paths and busy ports are the user's to fix
 * (exit 2); a model that cannot be loaded or downloaded is exit 3; anything else is a run-time failure (exit 1).
 */
import { type GlinerError, type InvalidInputError, isGlinerError, TextTooLongError } from "../errors.js";
import { EXIT } from "./exit.js";

export interface CliFailure {
  /** One line, without the `gliner-ts: ` prefix. */
  readonly message: string;
  readonly exitCode: number;
}

/** Appended to hub failures: the two ways out that the CLI offers. */
function modelHint(message: string): string {
  return message.includes("HF_ENDPOINT")
    ? "For a model already on disk pass --model <folder>."
    : "For a model already on disk pass --model <folder>; to download through a mirror set HF_ENDPOINT.";
}

/** InvalidInputError arguments that name the model source (the --model flag). */
const MODEL_ARGUMENTS: ReadonlySet<string> = new Set(["model", "source"]);

/** Node's file-system error codes that mean "this path cannot be used as given". */
const PATH_CODES: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EISDIR: "is a folder, not a file",
  ENOTDIR: "a part of the path is not a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENAMETOOLONG: "name too long",
};

export function describeFailure(error: unknown): CliFailure {
  if (isGlinerError(error)) return describeGlinerError(error);
  const system = systemError(error);
  if (system !== undefined) {
    const { code, path, syscall, address, port } = system;
    if (code === "EADDRINUSE") {
      return usage(`${where(address, port)} is already in use: stop what listens there, or pick another port with --port (0 picks a free one).`);
    }
    if (code === "EADDRNOTAVAIL" || (syscall === "listen" && (code === "EACCES" || code === "ENOTFOUND" || code === "EAI_AGAIN"))) {
      const why = code === "EACCES" ? "permission denied (ports below 1024 need privileges)" : "this machine has no such address";
      return usage(`cannot listen on ${where(address, port)}: ${why}. Use --host 127.0.0.1 or another --port.`);
    }
    const reason = PATH_CODES[code];
    if (reason !== undefined && path !== undefined) return usage(`cannot ${verb(syscall)} ${path}: ${reason}.`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `unexpected error: ${oneLine(message)} (GLINER_TS_DEBUG=1 prints the stack trace)`, exitCode: EXIT.failure };
}

function describeGlinerError(error: GlinerError): CliFailure {
  if (error instanceof TextTooLongError || error.code === "TEXT_TOO_LONG") {
    const { words, maxLength } = error as TextTooLongError;
    return usage(
      `a text has ${words} words but the model takes at most ${maxLength} per pass. Use --truncation window (overlapping ` +
        `windows, the default) or --truncation truncate (keep the first ${maxLength} words).`,
    );
  }
  const message = oneLine(error.message);
  switch (error.code) {
    case "INVALID_INPUT":
      // A --model that names neither a folder nor a repo id: the model cannot be loaded (exit 3, as documented).
      return MODEL_ARGUMENTS.has((error as InvalidInputError).argument) ? { message, exitCode: EXIT.model } : usage(message);
    case "HUB":
      return { message: `${message} ${modelHint(message)}`, exitCode: EXIT.model };
    case "MODEL_LOAD":
    case "UNSUPPORTED":
    case "UNSAFE_CHECKPOINT":
      return { message, exitCode: EXIT.model };
    default:
      return { message, exitCode: EXIT.failure };
  }
}

interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

function systemError(error: unknown): SystemError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === "string" && /^E[A-Z0-9_]+$/.test(code) ? (error as SystemError) : undefined;
}

function usage(message: string): CliFailure {
  return { message, exitCode: EXIT.usage };
}

function where(address: string | undefined, port: number | undefined): string {
  if (port === undefined) return address ?? "the address";
  return `port ${port}${address === undefined ? "" : ` on ${address}`}`;
}

function verb(syscall: string | undefined): string {
  if (syscall === "scandir") return "list";
  if (syscall === "mkdir") return "create";
  return syscall === "open" ? "open" : "use";
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** Shared by the batch and queue tests: a corpus with deliberate bad lines, CLI child processes, JSONL reading. */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "src", "cli", "bin.ts");

const WORDS = "Alice Bob works at Acme Corp in Paris near London with Carol and Dave from Globex on Monday".split(" ");

/** A line that must end up in the dead-letter file, with the reason it must give. */
export interface ExpectedDeadLetter {
  readonly line: number;
  readonly code: string;
  readonly reason: RegExp;
}

export interface Corpus {
  readonly text: string;
  /** Ids of the valid documents, in input order. */
  readonly ids: (string | number)[];
  /** The valid documents, in input order. */
  readonly documents: { id: string | number; text: string; labels?: string[] }[];
  readonly deadLetters: ExpectedDeadLetter[];
}

/**
 * `size` lines of short documents; about one line in 200 is broken in one of six ways (bad JSON, not an object,
 * text not a string, bad labels, bad id, duplicate id), plus blank lines that must be ignored.
 */
export function makeCorpus(size: number): Corpus {
  const lines: string[] = [];
  const documents: { id: string | number; text: string; labels?: string[] }[] = [];
  const deadLetters: ExpectedDeadLetter[] = [];
  const text = (i: number) => Array.from({ length: 6 + (i % 9) }, (_, j) => WORDS[(i * 7 + j * 5) % WORDS.length]).join(" ");
  for (let i = 1; i <= size; i++) {
    const line = lines.length + 1;
    const kind = i % 200;
    if (kind === 17) {
      lines.push(`{"id": "doc-${i}", "text": "unterminated`);
      deadLetters.push({ line, code: "INVALID_JSON", reason: new RegExp(`^line ${line} is not valid JSON`) });
    } else if (kind === 53) {
      lines.push(JSON.stringify(["not", "an", "object"]));
      deadLetters.push({ line, code: "INVALID_RECORD", reason: /must be a JSON object .*got an array/ });
    } else if (kind === 89) {
      lines.push(JSON.stringify({ id: `doc-${i}`, text: 12345 }));
      deadLetters.push({ line, code: "INVALID_RECORD", reason: /"text" must be a string; got a number/ });
    } else if (kind === 121) {
      lines.push(JSON.stringify({ id: `doc-${i}`, text: text(i), labels: "person" }));
      deadLetters.push({ line, code: "INVALID_RECORD", reason: /"labels" must be a non-empty array .*got "/ });
    } else if (kind === 157) {
      lines.push(JSON.stringify({ id: { nested: true }, text: text(i) }));
      deadLetters.push({ line, code: "INVALID_RECORD", reason: /"id" must be a string or a number; got an object/ });
    } else if (kind === 181) {
      lines.push(JSON.stringify({ id: `doc-${i - 100}`, text: text(i) }));
      deadLetters.push({ line, code: "DUPLICATE_ID", reason: new RegExp(`duplicate id "doc-${i - 100}" \\(first used on line \\d+\\)`) });
    } else if (kind === 101) {
      // No id: the line number is the id. Own labels: must be used instead of the run's.
      lines.push(JSON.stringify({ text: text(i), labels: ["city", "weekday"] }));
      documents.push({ id: line, text: text(i), labels: ["city", "weekday"] });
    } else {
      lines.push(JSON.stringify({ id: `doc-${i}`, text: text(i) }));
      documents.push({ id: `doc-${i}`, text: text(i) });
    }
    if (i % 500 === 250) lines.push(""); // blank lines are skipped but still counted as lines
  }
  return { text: `${lines.join("\n")}\n`, ids: documents.map((d) => d.id), documents, deadLetters };
}

export function readJsonl(path: string): Record<string, unknown>[] {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return content
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code (null when killed by a signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `gliner-ts <args>` through tsx, as a user would run it. */
export function startCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, ["--import", "tsx", BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `condition` every 100 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves with the exit, or kills the process and fails after `timeoutMs`. */
export async function exitWithin(cli: CliProcess, timeoutMs: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill("SIGKILL");
      reject(new Error(`${what} did not finish within ${timeoutMs} ms; stderr:\n${cli.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `gliner-ts` command. Each command lives in commands/<name>.ts and registers itself here; they call the
 * public API only. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 3 model could not be loaded.
 */
import { Command, CommanderError } from "commander";
import { registerBatchCommand } from "./commands/batch.js";
import { registerConvertCommand } from "./commands/convert.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerSchemaCommand } from "./commands/schema.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerTaskCommands } from "./commands/tasks.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { describeFailure } from "./errors.js";
import { EXIT } from "./exit.js";

export function buildProgram(): Command {
  const program = new Command("gliner-ts")
    .description("GLiNER and GLiNER-multitask: zero-shot entity, relation and span extraction on ONNX Runtime.")
    .version("0.1.0")
    // One line per user error (commander's own message), pointing at the help rather than printing all of it.
    .configureOutput({ outputError: (text, write) => write(`gliner-ts: ${text.trim().replace(/^error: /, "")} (--help lists the options)\n`) })
    .exitOverride();
  registerTaskCommands(program); // ner and the multitask helpers: one command per task of the registry
  registerSchemaCommand(program);
  registerServeCommand(program);
  registerEvalCommand(program);
  registerBatchCommand(program);
  registerWorkerCommand(program);
  registerConvertCommand(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (error) {
    return reportError(error);
  }
}

/** Prints one line for `error` on stderr and returns the exit code (EXIT). */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const failure = describeFailure(error);
  process.stderr.write(`gliner-ts: ${failure.message}\n`);
  if (process.env["GLINER_TS_DEBUG"] === "1" && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  return failure.exitCode;
}

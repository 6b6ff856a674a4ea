/**
 * The `gliner-ts` command. Each command lives in commands/<name>.ts and registers itself here; they call the
 * public API only. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 3 model could not be loaded.
 */
import { Command, CommanderError } from "commander";
import { isGlinerError } from "../errors.js";
import { registerBatchCommand } from "./commands/batch.js";
import { registerConvertCommand } from "./commands/convert.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerNerCommand } from "./commands/ner.js";
import { registerSchemaCommand } from "./commands/schema.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerTaskCommands } from "./commands/tasks.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { EXIT } from "./exit.js";

export function buildProgram(): Command {
  const program = new Command("gliner-ts")
    .description("GLiNER and GLiNER-multitask: zero-shot entity, relation and span extraction on ONNX Runtime.")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  registerNerCommand(program);
  registerTaskCommands(program);
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

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isGlinerError(error)) {
    process.stderr.write(`gliner-ts: ${error.message}\n`);
    if (error.code === "INVALID_INPUT" || error.code === "TEXT_TOO_LONG") return EXIT.usage;
    if (error.code === "MODEL_LOAD" || error.code === "HUB" || error.code === "UNSUPPORTED") return EXIT.model;
    return EXIT.failure;
  }
  process.stderr.write(`gliner-ts: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}

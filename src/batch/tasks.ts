/**
 * The batch task registry: a task name + one JSONL record → one request, and a batch of requests → one result
 * line's fields per document. Local runs and queue workers both go through this table, so a task behaves the
 * same in both modes, and the result lines equal what `gliner-ts <task> --input` writes for the same records.
 *
 * Adding a task: write its spec with `defineTask` (src/batch/tasks/define.ts: what the record must contain, how a
 * batch runs, how a result becomes line fields) and list it in {@link TASKS}.
 */
import { InvalidInputError } from "../errors.js";
import type { BatchTask } from "./tasks/define.js";
import { multitaskTasks } from "./tasks/multitask.js";
import { nerTask } from "./tasks/ner.js";
import { schemaTask } from "./tasks/schema.js";

export { type BatchSettings, DEFAULT_SETTINGS, parseSettings } from "./settings.js";
export type { BatchModel, BatchTask, ResultFields } from "./tasks/define.js";

/** Every task `gliner-ts batch --task` knows, by name. */
export const TASKS: Readonly<Record<string, BatchTask>> = Object.fromEntries([nerTask, ...multitaskTasks, schemaTask].map((t) => [t.name, t]));

export function getTask(name: string): BatchTask {
  const task = TASKS[name];
  if (task === undefined) {
    throw new InvalidInputError("task", `unknown task "${name}"; choose one of: ${Object.keys(TASKS).join(", ")}.`);
  }
  return task;
}

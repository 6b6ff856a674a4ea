/**
 * Open information extraction, as the reference's `GLiNEROpenExtractor`: the model reads
 * `"{instruction} \n {text}"` with the labels (default "match") and returns the spans. Unlike the reference,
 * spans inside the instruction are dropped and offsets are into the caller's text, not the prompted text.
 */
import type { Entity } from "../types.js";
import { checkLabels, checkText } from "../validate.js";
import { checkPrompt, runOptions } from "./options.js";
import { runPrompted, type TaskModel } from "./prompted.js";
import { OPEN_IE_LABELS } from "./prompts.js";
import type { ExtractOptions } from "./types.js";

export interface ExtractRequest {
  readonly instruction: string;
  readonly text: string;
}

export async function extractOpen(model: TaskModel, requests: readonly ExtractRequest[], options: ExtractOptions = {}): Promise<Entity[][]> {
  const labels = checkLabels(options.labels ?? OPEN_IE_LABELS);
  const prompted = requests.map(({ instruction, text }, i) => {
    const where = requests.length === 1 ? "" : `[${i}]`;
    return { prompt: checkPrompt(instruction, `instruction${where}`), text: checkText(text, `text${where}`), labels };
  });
  const results = await runPrompted(model, prompted, {
    ...runOptions(options, options.threshold ?? 0.5),
    labelThresholds: options.labelThresholds,
    flatNer: options.flatNer,
    multiLabel: options.multiLabel,
  });
  return results.map((r) => r.entities);
}

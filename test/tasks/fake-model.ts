/**
 * A deterministic stand-in for the model, for hand-computed tests of the task logic: `respond(text, labels)`
 * decides the entities of each model text the tasks send (`"{prompt} \n {text}"`, as the pipeline reads it);
 * every call is recorded with those model texts. Spans are split into the text's and the prompt's as the
 * pipeline does (spans across the boundary are in neither).
 */
import type { ModelConfig } from "../../src/model/config.js";
import { runTask } from "../../src/tasks/registry.js";
import type { TaskEngine } from "../../src/tasks/spec.js";
import { splitWords } from "../../src/text/words.js";
import type { Entity, PredictOptions } from "../../src/types.js";

export interface FakeCall {
  texts: string[];
  labels: string[][];
  options: PredictOptions;
}

export function fakeModel(
  respond: (text: string, labels: readonly string[], options: PredictOptions) => Entity[],
  maxLength = 384,
): { model: TaskEngine; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const config = { family: "uni-span", mode: "span", spanMode: "markerV0", maxWidth: 12, maxLength, entToken: "<<ENT>>", sepToken: "<<SEP>>", classTokenIndex: 1, modelName: "fake", wordSplitter: { kind: "whitespace" } } satisfies ModelConfig;
  const model: TaskEngine = {
    config,
    predict: async (requests, options) => {
      const texts = requests.map((r) => (r.prompt === undefined ? r.text : `${r.prompt} \n ${r.text}`));
      const live = requests.map((r) => splitWords(r.text).length > 0);
      if (live.some(Boolean)) calls.push({ texts: texts.filter((_, i) => live[i]), labels: requests.filter((_, i) => live[i]).map((r) => [...r.labels]), options });
      return requests.map((r, i) => {
        const words = splitWords(r.text).length;
        const found = live[i] ? respond(texts[i] as string, r.labels, options) : [];
        const textStart = r.prompt === undefined ? 0 : r.prompt.length + 3;
        const promptEnd = r.prompt?.length ?? 0;
        return {
          entities: found.filter((e) => e.start >= textStart).map((e) => ({ ...e, start: e.start - textStart, end: e.end - textStart })),
          promptEntities: r.prompt === undefined ? [] : found.filter((e) => e.end <= promptEnd),
          words,
          modelWords: words,
          truncated: false,
          passes: live[i] ? 1 : 0,
        };
      });
    },
  };
  return { model, calls };
}

/** Runs a registered task on the fake (or any) engine, options checked as `model.run` checks them. */
export function run<R = unknown>(engine: TaskEngine, task: string, inputs: readonly object[], options: object = {}): Promise<R[]> {
  return runTask(engine, task, inputs, options) as Promise<R[]>;
}

/** Entities for every occurrence of each `[phrase, label, score]` in `text`. */
export function occurrences(text: string, spans: readonly (readonly [string, string, number])[]): Entity[] {
  const found: Entity[] = [];
  for (const [phrase, label, score] of spans) {
    for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
      found.push({ start: at, end: at + phrase.length, text: phrase, label, score });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

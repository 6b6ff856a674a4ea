/**
 * A deterministic stand-in for the model, for hand-computed tests of the task logic: `respond(text, labels)`
 * decides the entities of each text the tasks send; every call is recorded.
 */
import type { ModelConfig } from "../../src/model/config.js";
import type { TaskModel } from "../../src/tasks/prompted.js";
import { splitWords } from "../../src/text/words.js";
import type { Entity, PredictOptions } from "../../src/types.js";

export interface FakeCall {
  texts: string[];
  labels: string[][];
  options: PredictOptions;
}

export function fakeModel(
  respond: (text: string, labels: readonly string[], options: PredictOptions) => Entity[],
  maxLen = 384,
): { model: TaskModel; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const config = { family: "uni-span", mode: "span", spanMode: "markerV0", maxWidth: 12, maxLen, entToken: "<<ENT>>", sepToken: "<<SEP>>", classTokenIndex: 1, modelName: "fake", wordSplitter: { kind: "whitespace" } } satisfies ModelConfig;
  const model: TaskModel = {
    config,
    inference: async (texts, labels, options) => {
      calls.push({ texts: [...texts], labels: labels.map((l) => [...l]), options });
      return texts.map((text, i) => {
        const words = splitWords(text).length;
        return { entities: respond(text, labels[i] ?? [], options), words, modelWords: words, truncated: false, passes: 1 };
      });
    },
  };
  return { model, calls };
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

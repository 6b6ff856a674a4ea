/**
 * Key-phrase extraction: important phrases of the text, ranked. No reference helper or official prompt
 * exists; the design (documented in docs/tasks.md) is one prompted call in the open-IE style with the label
 * "key phrase"; mentions of the same phrase (compared case-insensitively, spaces collapsed) are grouped and
 * the phrase is ranked by its best mention's score.
 */
import type { Entity } from "../types.js";
import { KEYPHRASE_LABELS, KEYPHRASE_PROMPT } from "./prompts.js";
import { objectSchema } from "./schema.js";
import { defineTask, entitySchema, labels, prompt, threshold, topK } from "./spec.js";
import type { Keyphrase, KeyphraseOptions } from "./types.js";

/** Groups mentions by normalised phrase; best score first, then first occurrence. */
export function rankKeyphrases(mentions: readonly Entity[], topK?: number): Keyphrase[] {
  const groups = new Map<string, Keyphrase>();
  for (const mention of [...mentions].sort((a, b) => a.start - b.start)) {
    const key = mention.text.toLowerCase().replace(/\s+/g, " ");
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { phrase: mention.text, score: mention.score, mentions: [mention] });
    else {
      group.mentions.push(mention);
      group.score = Math.max(group.score, mention.score);
    }
  }
  // Map order is first occurrence, and the sort is stable: ties keep text order.
  const ranked = [...groups.values()].sort((a, b) => b.score - a.score);
  return topK === undefined ? ranked : ranked.slice(0, topK);
}

export const keyphrasesTask = defineTask<{ text: string }, KeyphraseOptions, Keyphrase[]>({
  name: "keyphrases",
  summary: "Key phrases",
  description: "Key phrases, best first, each with its mentions (grouped case-insensitively).",
  input: objectSchema({}),
  options: objectSchema({
    threshold: threshold(),
    topK,
    prompt: prompt(KEYPHRASE_PROMPT, "Prompt before the text."),
    labels: { ...labels("Span labels (default key phrase)."), default: KEYPHRASE_LABELS },
  }),
  result: {
    name: "keyphrases",
    schema: {
      type: "array",
      items: { type: "object", required: ["phrase", "score", "mentions"], properties: { phrase: { type: "string" }, score: { type: "number" }, mentions: { type: "array", items: entitySchema } } },
    },
  },
  async run(engine, inputs, options) {
    const requests = inputs.map(({ text }) => ({ prompt: options.prompt as string, text, labels: options.labels as readonly string[] }));
    return (await engine.predict(requests, options)).map(({ entities }) => rankKeyphrases(entities, options.topK));
  },
});

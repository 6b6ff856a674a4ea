/**
 * Key-phrase extraction: important phrases of the text, ranked. No reference helper or official prompt
 * exists; the design (documented in docs/tasks.md) is one prompted call in the open-IE style with the label
 * "key phrase"; mentions of the same phrase (compared case-insensitively, spaces collapsed) are grouped and
 * the phrase is ranked by its best mention's score.
 */
import type { Entity } from "../types.js";
import { checkLabels, checkText } from "../validate.js";
import { checkPrompt, checkTopK, runOptions } from "./options.js";
import { runPrompted, type TaskModel } from "./prompted.js";
import { KEYPHRASE_LABELS, KEYPHRASE_PROMPT } from "./prompts.js";
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

export async function extractKeyphraseLists(
  model: TaskModel,
  texts: readonly string[],
  options: KeyphraseOptions = {},
): Promise<Keyphrase[][]> {
  const prompt = checkPrompt(options.prompt ?? KEYPHRASE_PROMPT);
  const labels = checkLabels(options.labels ?? KEYPHRASE_LABELS);
  const topK = checkTopK(options.topK);
  const requests = texts.map((text, i) => ({ prompt, text: checkText(text, texts.length === 1 ? "text" : `texts[${i}]`), labels }));
  const results = await runPrompted(model, requests, runOptions(options, options.threshold ?? 0.5));
  return results.map(({ entities }) => rankKeyphrases(entities, topK));
}

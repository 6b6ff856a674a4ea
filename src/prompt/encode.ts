/**
 * ② Labels + words → one encoded sequence, as the reference's `prepare_inputs` + `prepare_word_mask`:
 * `[CLS] <<ENT>> label1 … <<ENT>> labelC <<SEP>> word1 … wordN [SEP]`, every item tokenized on its own.
 * Bi-encoders put no label prompt in the text (`[CLS] word1 … wordN [SEP]`): their labels go through the
 * labels encoder (src/labels/).
 */
import { isBiEncoder, type ModelFamily } from "../model/config.js";

/** What the encoder needs from a tokenizer. */
export interface SubwordEncoder {
  readonly clsId: number;
  readonly sepId: number;
  encodeWord(word: string): readonly number[];
}

export interface PromptTokens {
  readonly entToken: string;
  readonly sepToken: string;
  /** The model family; bi-encoders get no prompt. Uni-encoder when absent. */
  readonly family?: ModelFamily;
  /** Relex models: the relation prompt token (`<<REL>>`). */
  readonly relex?: { readonly relToken: string };
}

export interface EncodedPrompt {
  readonly inputIds: readonly number[];
  /** 1-based text-word index at the first sub-token of each text word, 0 elsewhere. */
  readonly wordsMask: readonly number[];
  /** Number of text words (after truncation). */
  readonly textLength: number;
  readonly numLabels: number;
}

/**
 * Prompt words for a label list: `<<ENT>> l1 … <<ENT>> lC <<SEP>>`. Each label is ONE word, spaces and all.
 * With `relations` (relex models): then `<<REL>> r1 … <<REL>> rR <<SEP>>`, the second `<<SEP>>` even when empty.
 */
export function promptWords(labels: readonly string[], tokens: PromptTokens, relations?: readonly string[]): string[] {
  const words: string[] = [];
  for (const label of labels) words.push(tokens.entToken, label);
  words.push(tokens.sepToken);
  if (relations !== undefined) {
    const relToken = tokens.relex?.relToken;
    if (relToken === undefined) throw new Error("relation prompts need a relex model's relation token");
    for (const relation of relations) words.push(relToken, relation);
    words.push(tokens.sepToken);
  }
  return words;
}

export function encodePrompt(
  labels: readonly string[],
  textWords: readonly string[],
  tokens: PromptTokens,
  encoder: SubwordEncoder,
  relations?: readonly string[],
): EncodedPrompt {
  // A relex model always reads a relation section; NER calls give it none (`<<SEP>> <<SEP>>`), as the reference.
  const relationWords = relations ?? (tokens.relex ? [] : undefined);
  const prompt = tokens.family !== undefined && isBiEncoder(tokens.family) ? [] : promptWords(labels, tokens, relationWords);
  const inputIds: number[] = [encoder.clsId];
  const wordsMask: number[] = [0];
  // HEAD's prepare_word_mask counts the distinct word ids seen, so a word that yields no sub-token
  // (possible only for odd inputs) shifts the later words left; reproduced on purpose.
  let wordsSeen = 0;
  const encodeAll = (words: readonly string[]) => {
    for (const word of words) {
      const ids = encoder.encodeWord(word);
      if (ids.length === 0) continue;
      wordsSeen++;
      const index = wordsSeen - prompt.length;
      for (let t = 0; t < ids.length; t++) {
        inputIds.push(ids[t] as number);
        wordsMask.push(t === 0 && index > 0 ? index : 0);
      }
    }
  };
  encodeAll(prompt);
  encodeAll(textWords);
  inputIds.push(encoder.sepId);
  wordsMask.push(0);
  return { inputIds, wordsMask, textLength: textWords.length, numLabels: labels.length };
}

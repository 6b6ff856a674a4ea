/**
 * Task prompts. The model text of every prompted task is `${prompt}${PROMPT_SEPARATOR}${text}`, as the
 * reference's helpers build it (urchade/GLiNER@c2bb58d, `gliner/multitask/*.py`, `prepare_texts`).
 *
 * Templates written in Python with `{}` use named placeholders here (`{question}`, `{classes}`); the text
 * they produce is identical, and a template with the reference's `{}` is accepted as well.
 */

/** Between the prompt and the user's text: `f"{self.prompt} \n {text}"` in every helper's `prepare_texts`. */
export const PROMPT_SEPARATOR = " \n ";

/**
 * gliner/multitask/relation_extraction.py, `GLiNERRelationExtractor.prompt`
 * (https://github.com/urchade/GLiNER/blob/c2bb58ddf569480ef7a9de03bef653723a42f5c2/gliner/multitask/relation_extraction.py).
 */
export const RELATION_PROMPT = "Extract relationships between entities from the text: ";

/** Relation labels are `${source} <> ${relation}` (`prepare_source_relation`; the seed card's own labels). */
export const RELATION_LABEL_SEPARATOR = " <> ";

/** The reference's default entity label when no entity types are given (`entities=['named entity']`). */
export const DEFAULT_ENTITY_LABELS: readonly string[] = ["named entity"];

/**
 * gliner/multitask/question_answering.py, `GLiNERQuestionAnswerer.prompt` = "Answer the following question: {}"
 * (https://github.com/urchade/GLiNER/blob/c2bb58ddf569480ef7a9de03bef653723a42f5c2/gliner/multitask/question_answering.py).
 */
export const QA_PROMPT = "Answer the following question: {question}";
export const QA_LABELS: readonly string[] = ["answer"];

/**
 * gliner/multitask/summarization.py, `GLiNERSummarizer.prompt`, default threshold 0.25 in `__call__`
 * (https://github.com/urchade/GLiNER/blob/c2bb58ddf569480ef7a9de03bef653723a42f5c2/gliner/multitask/summarization.py).
 */
export const SUMMARY_PROMPT = "Summarize the following text highlighting the most important information:";
export const SUMMARY_THRESHOLD = 0.25;
export const SUMMARY_LABELS: readonly string[] = ["summary"];

/**
 * The seed model card's summarization prompt (knowledgator/gliner-multitask-large-v0.5 README: `prompt + text`
 * with threshold 0.5). It yields the same words as `SEED_CARD_SUMMARY_PROMPT + PROMPT_SEPARATOR + text`
 * (whitespace is not a word), so `summarize(text, { prompt: SEED_CARD_SUMMARY_PROMPT, threshold: 0.5 })`
 * makes the card's model call.
 */
export const SEED_CARD_SUMMARY_PROMPT = "Summarize the given text, highlighting the most important information:";
export const SEED_CARD_SUMMARY_THRESHOLD = 0.5;

/**
 * gliner/multitask/classification.py, `GLiNERClassifier.prompt` = "Classify text into the following classes: {}",
 * classes joined by ", "
 * (https://github.com/urchade/GLiNER/blob/c2bb58ddf569480ef7a9de03bef653723a42f5c2/gliner/multitask/classification.py).
 */
export const CLASSIFY_PROMPT = "Classify text into the following classes: {classes}";
export const CLASSES_SEPARATOR = ", ";
export const CLASSIFY_LABELS: readonly string[] = ["match"];
/** What the reference answers when no span is found: `[{"label": "other", "score": 1.0}]`. */
export const NO_CLASS = "other";

/**
 * gliner/multitask/open_extraction.py: the instruction is the prompt (default "" at HEAD, model text
 * `" \n " + text`), default labels ["match"]
 * (https://github.com/urchade/GLiNER/blob/c2bb58ddf569480ef7a9de03bef653723a42f5c2/gliner/multitask/open_extraction.py).
 */
export const OPEN_IE_LABELS: readonly string[] = ["match"];

/**
 * Sentiment extraction: no official template exists (the seed card lists the task without an example; the
 * HF discussion asking for one is unanswered). Designed after the card's open-IE example ("Find all positive
 * aspects about the product:"): one instruction naming the three polarities, and one descriptive label per
 * polarity in a single call, so flat decoding makes the polarities of a span exclusive.
 */
export const SENTIMENT_PROMPT = "Find all parts of the text that express a positive, negative or neutral sentiment:";
export const SENTIMENT_LABELS = {
  positive: "positive sentiment",
  negative: "negative sentiment",
  neutral: "neutral sentiment",
} as const;

/**
 * Key-phrase extraction: no official template exists. An instruction in the card's open-IE style and one
 * label; phrases are ranked by score.
 */
export const KEYPHRASE_PROMPT = "Extract the most important key phrases from the text:";
export const KEYPHRASE_LABELS: readonly string[] = ["key phrase"];

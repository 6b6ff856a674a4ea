/** QA, summarization, classification, open IE, sentiment and key phrases on a fake model, by hand. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { classifications, classOfSpan, classPrompt } from "../../src/tasks/classify.js";
import { rankKeyphrases } from "../../src/tasks/keyphrases.js";
import { CLASSIFY_PROMPT, KEYPHRASE_PROMPT, SENTIMENT_PROMPT } from "../../src/tasks/prompts.js";
import type { TaskEngine } from "../../src/tasks/spec.js";
import type { Answer, Classification, Keyphrase, SentimentSpan, Summary } from "../../src/tasks/types.js";
import type { Entity, PredictOptions } from "../../src/types.js";
import { fakeModel, occurrences, run } from "./fake-model.js";

const answerQuestions = (m: TaskEngine, inputs: object[], o: object = {}) => run<Answer[]>(m, "qa", inputs, o);
const summarizeTexts = (m: TaskEngine, texts: string[], o: object = {}) => run<Summary>(m, "summarize", texts.map((text) => ({ text })), o);
const classifyTexts = (m: TaskEngine, inputs: object[], o: object = {}) => run<Classification[]>(m, "classify", inputs, o);
const extractOpen = (m: TaskEngine, inputs: object[], o: object = {}) => run<Entity[]>(m, "extract", inputs, o);
const extractSentiments = (m: TaskEngine, texts: string[], o: object = {}) => run<SentimentSpan[]>(m, "sentiment", texts.map((text) => ({ text })), o);
const extractKeyphraseLists = (m: TaskEngine, texts: string[], o: object = {}) => run<Keyphrase[]>(m, "keyphrases", texts.map((text) => ({ text })), o);

const REVIEW = "The sound is great, the case feels cheap. Shipping took 2 days.";
/** Scores every listed phrase wherever it occurs (prompt included), above the call's threshold. */
const scoring = (spans: [string, number][]) => (text: string, labels: readonly string[], options: PredictOptions) =>
  occurrences(text, spans.map(([phrase, score], i) => [phrase, labels[i % labels.length] as string, score] as const)).filter((e) => e.score > (options.threshold ?? 0.5));
const rejects = (promise: Promise<unknown>, argument: string, message: RegExp) =>
  assert.rejects(promise, (e: unknown) => e instanceof InvalidInputError && e.argument === argument && message.test(e.message));
const view = (list: readonly Pick<Entity, "text" | "start" | "score">[]) => list.map((e) => `${e.text}@${e.start} ${e.score}`);

describe("question answering", () => {
  test("the reference's prompt; answers in the question are dropped; best first with offsets; topK", async () => {
    const { model, calls } = fakeModel(scoring([["Who", 0.99], ["Bill Gates", 0.9], ["Paul Allen", 0.95], ["1975", 0.4]]));
    const text = "Founded by Bill Gates and Paul Allen in 1975.";
    const [answers] = await answerQuestions(model, [{ question: "Who founded it?", text }], { topK: 2 });
    assert.deepEqual(calls[0]?.texts, [`Answer the following question: Who founded it? \n ${text}`]);
    assert.deepEqual(calls[0]?.labels, [["answer"]]);
    assert.deepEqual(view(answers ?? []), ["Paul Allen@26 0.95", "Bill Gates@11 0.9"]);
  });
  test("the card's style (question + text, no instruction) is the template {question}", async () => {
    const { model, calls } = fakeModel(() => []);
    await answerQuestions(model, [{ question: "Who?", text: "Ann." }], { prompt: "{question}" });
    assert.deepEqual(calls[0]?.texts, ["Who? \n Ann."]);
  });
  test("bad input", async () => {
    const { model } = fakeModel(() => []);
    await rejects(answerQuestions(model, [{ question: "  ", text: "x" }]), "question", /empty/);
    await rejects(answerQuestions(model, [{ question: "q", text: "x" }], { prompt: "no placeholder" }), "prompt", /\{question\} \(or the reference's \{\}\) exactly once/);
    await rejects(answerQuestions(model, [{ question: "q", text: "x" }], { topK: 0 }), "topK", /positive integer/);
    await rejects(answerQuestions(model, [{ question: "q", text: 3 as unknown as string }]), "text", /must be a string/);
  });
});

describe("summarization", () => {
  test("threshold 0.25 by default; spans in text order joined by spaces; prompt spans left out", async () => {
    const { model, calls } = fakeModel(scoring([["Summarize", 0.6], ["cheap", 0.3], ["sound is great", 0.8], ["2 days", 0.2]]));
    const [summary] = await summarizeTexts(model, [REVIEW]);
    assert.equal(calls[0]?.options.threshold, 0.25);
    assert.equal(summary?.summary, "sound is great cheap");
    assert.deepEqual(view(summary?.spans ?? []), ["sound is great@4 0.8", "cheap@35 0.3"]);
  });
});

describe("classification", () => {
  const { prompt, ranges } = classPrompt(CLASSIFY_PROMPT, ["positive", "negative", "neutral"]);
  test("the reference's prompt, and where each class lands in it", () => {
    assert.equal(prompt, "Classify text into the following classes: positive, negative, neutral");
    assert.deepEqual(ranges.map((r) => [r.label, r.start, r.end]), [["positive", 42, 50], ["negative", 52, 60], ["neutral", 62, 69]]);
  });
  test("a span names a class when, trimmed of separators, it is exactly that class", () => {
    const cp = { prompt, ranges };
    assert.equal(classOfSpan({ start: 42, end: 50 }, cp), "positive");
    assert.equal(classOfSpan({ start: 52, end: 61 }, cp), "negative"); // "negative,"
    assert.equal(classOfSpan({ start: 23, end: 61 }, cp), undefined); // "following classes: positive, negative,"
    assert.equal(classOfSpan({ start: 42, end: 60 }, cp), undefined); // two classes
  });
  test("single-label softmax, multi-label raw scores, 'other' when nothing is found", () => {
    assert.deepEqual(classifications([{ label: "b", score: 0.5 }, { label: "a", score: 0.9 }, { label: "a", score: 0.7 }], false), [
      { label: "a", score: Math.fround(1 / (1 + Math.exp(-0.4))) }, // softmax([0.9, 0.5])[0] = 0.598688
    ]);
    assert.deepEqual(classifications([{ label: "b", score: 0.5 }, { label: "a", score: 0.9 }], true), [{ label: "a", score: 0.9 }, { label: "b", score: 0.5 }]);
    assert.deepEqual(classifications([], false), [{ label: "other", score: 1 }]);
  });
  test("end to end: only class names count, never text spans", async () => {
    const { model, calls } = fakeModel(scoring([["sound is great", 0.99], ["negative", 0.6], ["positive", 0.8], ["Classify", 0.9]]));
    const [single] = await classifyTexts(model, [{ text: REVIEW, classes: ["positive", "negative", "neutral"] }]);
    assert.deepEqual(calls[0]?.texts, [`${prompt} \n ${REVIEW}`]);
    assert.deepEqual(calls[0]?.labels, [["match"]]);
    assert.deepEqual(single, [{ label: "positive", score: Math.fround(1 / (1 + Math.exp(-0.2))) }]);
    const [multi] = await classifyTexts(model, [{ text: REVIEW, classes: ["positive", "negative", "neutral"] }], { multiLabel: true });
    assert.deepEqual(multi, [{ label: "positive", score: 0.8 }, { label: "negative", score: 0.6 }]);
    assert.equal(calls[1]?.options.multiLabel, false, "multiLabel is post-processing: the model call stays single-label");
  });
  test("bad input", async () => {
    const { model } = fakeModel(() => []);
    await rejects(classifyTexts(model, [{ text: "x", classes: [] }]), "classes", /empty/);
    await rejects(classifyTexts(model, [{ text: "x", classes: ["a, b"] }]), "classes", /cannot be told apart/);
    await rejects(classifyTexts(model, [{ text: "x", classes: ["a"] }], { prompt: "Classify:" }), "prompt", /\{classes\}/);
  });
});

describe("open extraction", () => {
  test("the instruction is the prompt; labels default to ['match']; offsets into the text", async () => {
    const { model, calls } = fakeModel(scoring([["positive", 0.9], ["sound is great", 0.8]]));
    const [spans] = await extractOpen(model, [{ instruction: "Find all positive aspects:", text: REVIEW }]);
    assert.deepEqual(calls[0]?.texts, [`Find all positive aspects: \n ${REVIEW}`]);
    assert.deepEqual(calls[0]?.labels, [["match"]]);
    assert.deepEqual(view(spans ?? []), ["sound is great@4 0.8"]);
  });
});

describe("sentiment", () => {
  test("one call, a label per polarity, mapped back to polarities", async () => {
    const { model, calls } = fakeModel(scoring([["great", 0.9], ["cheap", 0.8], ["2 days", 0.7]]));
    const [spans] = await extractSentiments(model, [REVIEW]);
    assert.deepEqual(calls[0]?.texts, [`${SENTIMENT_PROMPT} \n ${REVIEW}`]);
    assert.deepEqual(calls[0]?.labels, [["positive sentiment", "negative sentiment", "neutral sentiment"]]);
    assert.deepEqual(spans?.map((s) => `${s.text}:${s.polarity}`), ["great:positive", "cheap:negative", "2 days:neutral"]);
  });
  test("polarities and labels can be chosen; mistakes are reported", async () => {
    const { model, calls } = fakeModel(() => []);
    await extractSentiments(model, [REVIEW], { polarities: ["negative"], labels: { negative: "complaint" }, prompt: "Find complaints:" });
    assert.deepEqual([calls[0]?.texts, calls[0]?.labels], [[`Find complaints: \n ${REVIEW}`], [["complaint"]]]);
    await rejects(extractSentiments(model, [REVIEW], { polarities: ["happy" as "positive"] }), "polarities", /polarities\[0\] must be one of "positive", "negative", "neutral"/);
    await rejects(extractSentiments(model, [REVIEW], { labels: { positive: "x", negative: "x" } }), "labels", /share the label/);
  });
});

describe("key phrases", () => {
  test("mentions grouped case-insensitively, ranked by their best score, ties in text order", () => {
    const mentions = occurrences("Noise cancelling is superb; noise  cancelling again. Battery life. Case.", [
      ["Noise cancelling", "key phrase", 0.7],
      ["noise  cancelling", "key phrase", 0.9],
      ["Battery life", "key phrase", 0.8],
      ["Case", "key phrase", 0.8],
    ]);
    const ranked = rankKeyphrases(mentions);
    assert.deepEqual(ranked.map((k) => [k.phrase, k.score, k.mentions.length]), [["Noise cancelling", 0.9, 2], ["Battery life", 0.8, 1], ["Case", 0.8, 1]]);
    assert.deepEqual(rankKeyphrases(mentions, 1).map((k) => k.phrase), ["Noise cancelling"]);
  });
  test("the designed prompt and label", async () => {
    const { model, calls } = fakeModel(scoring([["sound", 0.6]]));
    const [phrases] = await extractKeyphraseLists(model, [REVIEW], { topK: 5 });
    assert.deepEqual([calls[0]?.texts, calls[0]?.labels], [[`${KEYPHRASE_PROMPT} \n ${REVIEW}`], [["key phrase"]]]);
    assert.deepEqual(phrases?.map((k) => k.phrase), ["sound"]);
  });
});

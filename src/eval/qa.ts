/**
 * Extractive QA evaluation on SQuAD-format JSONL, one question per line:
 * `{"id"?, "question", "context", "answers": {"text": [...], "answer_start": [...]}}` (the Hugging Face `squad`
 * layout), or `"answers": [{"text", "answer_start"}]`, or `"answers": ["..."]`. An empty answer list marks an
 * unanswerable question (SQuAD 2.0). The prediction is the model's best-scoring answer, "" when it finds none.
 */
import { readFile } from "node:fs/promises";
import { InvalidInputError } from "../errors.js";
import { normalizeAnswer, scoreAnswer } from "./squad.js";

export interface QaExample {
  readonly id: string;
  readonly question: string;
  readonly context: string;
  readonly answers: readonly string[];
}

export interface QaPrediction {
  readonly id: string;
  readonly prediction: string;
  readonly exactMatch: number;
  readonly f1: number;
}

export interface QaResults {
  readonly questions: number;
  readonly answerable: number;
  /** Means over the questions, as fractions (the SQuAD script prints them ×100). */
  readonly exactMatch: number;
  readonly f1: number;
  readonly predictions: readonly QaPrediction[];
}

/** Answers a batch of questions; per question the answer texts, best first (see adapters.ts). */
export type Answerer = (questions: readonly { question: string; context: string }[]) => Promise<readonly (readonly string[])[]>;

export async function readSquadJsonl(path: string, limit?: number): Promise<QaExample[]> {
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch (cause) {
    throw new InvalidInputError("data", `cannot read ${path}: give a SQuAD-format JSONL file (one question per line).`, { cause });
  }
  return parseSquadJsonl(content, path, limit);
}

export function parseSquadJsonl(content: string, path: string, limit?: number): QaExample[] {
  const out: QaExample[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length && (limit === undefined || out.length < limit); i++) {
    const raw = lines[i] as string;
    if (raw.trim() === "") continue;
    const where = `${path} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidInputError("data", `${where} is not valid JSON.`);
    }
    const r = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    if (typeof r["question"] !== "string" || typeof r["context"] !== "string") {
      throw new InvalidInputError("data", `${where} needs "question" and "context" strings (SQuAD format).`);
    }
    out.push({ id: r["id"] === undefined ? String(i + 1) : String(r["id"]), question: r["question"], context: r["context"], answers: answerTexts(r["answers"], where) });
  }
  if (out.length === 0) throw new InvalidInputError("data", `${path} holds no questions.`);
  return out;
}

function answerTexts(value: unknown, where: string): string[] {
  const bad = () =>
    new InvalidInputError("data", `${where}: "answers" must be {"text": [...]}, [{"text": ...}] or a list of strings.`);
  if (value === undefined) throw new InvalidInputError("data", `${where} has no "answers" (use [] for an unanswerable question).`);
  const list = Array.isArray(value) ? value : typeof value === "object" && value !== null ? (value as Record<string, unknown>)["text"] : undefined;
  if (!Array.isArray(list)) throw bad();
  return list.map((a) => {
    if (typeof a === "string") return a;
    if (typeof a === "object" && a !== null && typeof (a as Record<string, unknown>)["text"] === "string") {
      return (a as Record<string, string>)["text"] as string;
    }
    throw bad();
  });
}

export async function evaluateQa(
  examples: readonly QaExample[],
  answer: Answerer,
  options: { chunk?: number; onProgress?: (done: number) => void } = {},
): Promise<QaResults> {
  const chunk = options.chunk ?? 32;
  const predictions: QaPrediction[] = [];
  for (let first = 0; first < examples.length; first += chunk) {
    const batch = examples.slice(first, first + chunk);
    const answers = await answer(batch.map(({ question, context }) => ({ question, context })));
    if (answers.length !== batch.length) throw new RangeError(`the answerer returned ${answers.length} results for ${batch.length} questions`);
    batch.forEach((example, i) => {
      const best = answers[i]?.[0] ?? "";
      predictions.push({ id: example.id, prediction: best, ...scoreAnswer(best, example.answers) });
    });
    options.onProgress?.(predictions.length);
  }
  const mean = (pick: (p: QaPrediction) => number) =>
    predictions.length === 0 ? 0 : predictions.reduce((sum, p) => sum + pick(p), 0) / predictions.length;
  return {
    questions: predictions.length,
    answerable: examples.filter((e) => e.answers.some((a) => normalizeAnswer(a) !== "")).length,
    exactMatch: mean((p) => p.exactMatch),
    f1: mean((p) => p.f1),
    predictions,
  };
}

/**
 * Token budgets end to end: label groups for long label lists (pooled and selected once), and windows that
 * keep prompt + text within a tokenizer that declares a real `model_max_length`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Candidate } from "../../src/decode/candidates.js";
import { toEntities } from "../../src/decode/entities.js";
import { greedySearch } from "../../src/decode/greedy.js";
import { spanCandidates } from "../../src/decode/span-logits.js";
import { runModel } from "../../src/inference/run.js";
import { planLabelGroups } from "../../src/long/labels.js";
import { planWindows, TokenBudget } from "../../src/long/plan.js";
import type { StreamResult } from "../../src/long/stream.js";
import { GLiNER, nodeRuntime } from "../../src/node.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import type { Runtime, TensorData } from "../../src/runtime/runtime.js";
import { buildFeeds } from "../../src/tensors/batch.js";
import { splitWords } from "../../src/text/words.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { modelInternals } from "../helpers/internals.js";
import { mergeByRule, perWindowEntities } from "./window-oracle.js";

const TEXT = "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975, in Albuquerque, New Mexico, and moved to Redmond.";
/** 40 labels, 2-5 sub-tokens each with <<ENT>>. */
const MANY_LABELS = Array.from({ length: 40 }, (_, i) => ["person", "organization", "location", "date", "event name", "award", "product line", "sports team"][i % 8] + (i < 8 ? "" : ` ${i}`));
const OPTIONS = { threshold: 0.3 } as const;

/** Records input_ids and attention_mask rows of every session run. */
function recordingRuntime(rows: { ids: bigint[]; length: number }[]): Runtime {
  const base = nodeRuntime();
  return {
    ...base,
    async createSession(model, options) {
      const session = await base.createSession(model, options);
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        release: () => session.release(),
        run(feeds: Readonly<Record<string, TensorData>>, outputs: readonly string[]) {
          const [batch = 0, seq = 0] = feeds["input_ids"]?.dims ?? [];
          for (let b = 0; b < batch; b++) {
            const ids = [...(feeds["input_ids"]?.data as BigInt64Array).subarray(b * seq, (b + 1) * seq)];
            const mask = [...(feeds["attention_mask"]?.data as BigInt64Array).subarray(b * seq, (b + 1) * seq)];
            rows.push({ ids, length: mask.filter((m) => m === 1n).length });
          }
          return session.run(feeds, outputs);
        },
      };
    },
  };
}

async function streamOne(model: GLiNER, text: string, labels: string[], options: object): Promise<StreamResult> {
  for await (const result of model.stream([text], labels, options)) return result;
  throw new Error("no result");
}

describe("label groups", () => {
  let model: GLiNER;
  const rows: { ids: bigint[]; length: number }[] = [];
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL, { runtime: recordingRuntime(rows) });
  });
  after(() => model.dispose());

  test("a prompt over the budget is split; each group's prompt fits; one selection over the pooled candidates", async () => {
    const { config, tokenizer } = modelInternals(model);
    const budget = 48;
    const labelCosts = MANY_LABELS.map((l) => tokenizer.encodeWord(config.entToken).length + tokenizer.encodeWord(l).length);
    const groups = planLabelGroups({ labels: labelCosts, separator: 1 }, budget);
    assert.ok(groups.length >= 3, `${groups.length} groups`);

    rows.length = 0;
    const result = await streamOne(model, TEXT, MANY_LABELS, { ...OPTIONS, maxPromptTokens: budget, flatNer: false });
    assert.equal(result.passes, groups.length);
    const sepId = BigInt(tokenizer.tokenId(config.sepToken) as number);
    for (const row of rows) assert.ok(row.ids.indexOf(sepId) <= budget, "prompt tokens ([CLS] excluded) within the budget");

    // Oracle from the stages: each group's raw candidates, labels mapped back, pooled, selected once.
    const words = splitWords(TEXT);
    const pooled: Candidate[] = [];
    for (const group of groups) {
      const encoded = encodePrompt(group.map((l) => MANY_LABELS[l] as string), words.map((w) => w.text), config, tokenizer);
      const { feeds, shape } = buildFeeds([encoded], { padId: tokenizer.padId, spanWidth: config.maxWidth });
      const logits = await runModel(modelInternals(model), feeds, shape);
      const item = { batchIndex: 0, numWords: words.length, numLabels: group.length, thresholds: new Float32Array(group.length).fill(Math.fround(0.3)) };
      for (const c of spanCandidates(logits.tensor, item)) pooled.push({ ...c, label: group[c.label] as number });
    }
    pooled.sort((a, b) => a.start - b.start || a.end - b.end || a.label - b.label);
    const expected = toEntities(greedySearch(pooled, { flatNer: false, multiLabel: false }), words, TEXT, MANY_LABELS);
    assert.ok(expected.length > 3);
    assertSameEntities([result.entities], [expected], "groups");
  });

  test("within the default budget the labels stay in one pass, as the reference", async () => {
    const result = await streamOne(model, TEXT, MANY_LABELS, OPTIONS);
    assert.equal(result.passes, 1);
    assert.deepEqual(result.entities, await model.predictEntities(TEXT, MANY_LABELS, OPTIONS));
  });

  test("a label longer than the budget is refused", async () => {
    await assert.rejects(streamOne(model, TEXT, ["person", "a label of many many words"], { maxPromptTokens: 4 }), /takes \d+ sub-tokens in the prompt/);
  });
});

describe("a tokenizer with a real model_max_length", () => {
  const MAX = 64;
  let folder: string;
  let model: GLiNER;
  const rows: { ids: bigint[]; length: number }[] = [];
  before(async () => {
    // The span fixture with tokenizer_config.json declaring 64 sub-tokens (the other files linked).
    folder = mkdtempSync(join(tmpdir(), "gliner-max-length-"));
    for (const name of readdirSync(SPAN_MODEL)) {
      if (name !== "tokenizer_config.json") symlinkSync(join(SPAN_MODEL, name), join(folder, name));
    }
    const config = JSON.parse(readFileSync(join(SPAN_MODEL, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(folder, "tokenizer_config.json"), JSON.stringify({ ...config, model_max_length: MAX }));
    model = await GLiNER.fromPretrained(folder, { runtime: recordingRuntime(rows) });
  });
  after(async () => {
    await model.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  test("every pass fits, and the result is the merge of the planned windows", async () => {
    const labels = ["person", "organization", "location", "date"];
    const text = Array.from({ length: 8 }, () => TEXT).join(" ");
    const { config, tokenizer } = modelInternals(model);
    assert.equal(tokenizer.maxTokens, MAX);
    const words = splitWords(text);
    const prompt = 1 + labels.reduce((sum, l) => sum + tokenizer.encodeWord(config.entToken).length + tokenizer.encodeWord(l).length, 0);
    const budget = new TokenBudget(words.length, { maxTextTokens: MAX - prompt - 2, wordTokens: words.map((w) => tokenizer.encodeWord(w.text).length) });
    const ranges = planWindows(words.length, { window: config.maxLength, overlap: Math.floor(config.maxLength / 4) }, budget);
    assert.ok(ranges.length > 4, `${ranges.length} windows`);

    rows.length = 0;
    const [result] = await model.inference([text], labels, OPTIONS);
    assert.equal(result?.passes, ranges.length);
    for (const row of rows) assert.ok(row.length <= MAX, `${row.length} sub-tokens`);
    const windows = await perWindowEntities(model, text, labels, ranges, OPTIONS);
    assertSameEntities([result?.entities ?? []], [mergeByRule(windows, text, labels, { flatNer: true, multiLabel: false })]);
  });

  test('truncation "error" refuses a text over the sub-token limit, "truncate" keeps the words that fit', async () => {
    await assert.rejects(model.predictEntities(`${TEXT} ${TEXT}`, ["person"], { truncation: "error" }), /sub-tokens/);
    const [cut] = await model.inference([`${TEXT} ${TEXT}`], ["person"], { truncation: "truncate", onTruncate: () => undefined });
    assert.equal(cut?.truncated, true);
    assert.ok((cut?.modelWords ?? 0) < splitWords(`${TEXT} ${TEXT}`).length);
  });
});

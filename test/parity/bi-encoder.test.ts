/**
 * Bi-encoder parity with the Python reference (GLiNER 0.2.27 + the upstream token_lengths fix, see
 * test/fixtures/PROVENANCE.md) on every case of golden/bi-span.json and bi-token.json: words and model inputs
 * (labels-encoder inputs included) bit-equal, logits within 1e-4 through both ONNX paths (labels as tokens,
 * precomputed embeddings), label embeddings within 1e-5, entities equal up to proven near-ties.
 *
 * Where the reference is broken the test isolates its behaviour: per-text label lists (the reference encodes only
 * the first text's labels) and predict_with_embeds (the reference ignores the embeddings).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import type { Entity } from "../../src/types.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import { buildFeeds } from "../../src/tensors/batch.js";
import { splitWords } from "../../src/text/words.js";
import { assertEntitiesMatch, toUtf16 } from "../helpers/entities.js";
import { FIXTURES, flat, type GoldenCase, readGolden } from "../helpers/fixtures.js";
import { assertWords, maxAbsDelta } from "../helpers/golden-checks.js";
import { modelInternals } from "../helpers/internals.js";
import { join } from "node:path";

const LOGIT_TOLERANCE = 1e-4;
const EMBEDDING_TOLERANCE = 1e-5;

interface BiCase extends GoldenCase {
  call: GoldenCase["call"] & { labels: string[] | string[][] };
  labels_embeddings_path:
    | { skipped: string }
    | { encode_labels_call: { labels: string[] }; label_embeddings: { shape: number[]; value: number[][] } };
}

interface BiGolden {
  cases: BiCase[];
  predict_with_embeds_check: { same_result_with_zero_embeddings: boolean; entities: Entity[] };
}

const PREDICT_WITH_EMBEDS_TEXT = "Tim Cook is the CEO of Apple, which is based in Cupertino, California.";
const PREDICT_WITH_EMBEDS_LABELS = ["person", "organization", "location"];

for (const name of ["bi-span", "bi-token"] as const) {
  describe(`bi-encoder golden parity: ${name}`, () => {
    const golden = readGolden<BiGolden>(`${name}.json`);
    const dir = join(FIXTURES, "models", name);
    let embeddingsPath: GLiNER;
    let tokensPath: GLiNER;
    const counts = { cases: 0, inputs: 0, labelInputs: 0, logitsTokens: 0, logitsEmbeddings: 0, labelEmbeddings: 0, entities: 0, nearTieFlips: 0 };
    const worst = { logits: 0, embeddings: 0 };
    before(async () => {
      embeddingsPath = await GLiNER.fromPretrained(dir);
      tokensPath = await GLiNER.fromPretrained(dir, { onnxFile: "onnx/model.onnx" });
    });
    after(async () => {
      await Promise.all([embeddingsPath.dispose(), tokensPath.dispose()]);
      console.log(`# ${name}: ${JSON.stringify(counts)} max |Δlogit| ${worst.logits.toExponential(2)}, max |Δembedding| ${worst.embeddings.toExponential(2)}`);
    });

    test("loads the embeddings graph by default and the tokens graph on request", () => {
      assert.equal(embeddingsPath.family, name);
      assert.equal(embeddingsPath.onnxFile, "onnx/model_labels_embeddings.onnx");
      assert.equal(tokensPath.onnxFile, "onnx/model.onnx");
      assert.equal(golden.cases.length, 33);
    });

    for (const c of golden.cases) {
      test(c.id, async () => {
        counts.cases++;
        assertWords(c);
        // The reference tokenizes the FIRST text's labels for the whole batch (per-text lists included).
        const referenceLabels = [...new Set(perText(c.call.labels, 0))];
        if (c.inputs !== null) {
          for (const model of [tokensPath, embeddingsPath]) {
            const delta = await assertInputsAndLogits(model, c, referenceLabels);
            worst.logits = Math.max(worst.logits, delta);
          }
          counts.inputs++;
          counts.labelInputs++;
          counts.logitsTokens++;
          counts.logitsEmbeddings++;
        } else {
          assert.deepEqual(c.model_text_indices, []);
        }
        const path = c.labels_embeddings_path;
        if ("label_embeddings" in path) {
          const ours = await embeddingsPath.encodeLabels(path.encode_labels_call.labels);
          assert.deepEqual([ours.labels.length, ours.dim], path.label_embeddings.shape);
          const delta = maxAbsDelta(flat(path.label_embeddings.value), ours.data);
          assert.ok(delta <= EMBEDDING_TOLERANCE, `max |Δembedding| ${delta}`);
          worst.embeddings = Math.max(worst.embeddings, delta);
          counts.labelEmbeddings++;
        }
        for (const model of [tokensPath, embeddingsPath]) counts.nearTieFlips += await assertEntities(model, c);
        counts.entities++;
      });
    }

    test("per-text label lists: each text is scored against its own labels (the reference: the first text's)", async () => {
      const c = golden.cases.find((x) => x.id === "bi_per_text_labels") as BiCase;
      const labels = c.call.labels as string[][];
      const [first, second] = c.call.texts as [string, string];
      const options = { threshold: c.call.threshold, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label };
      const ours = await embeddingsPath.batchPredictEntities([first, second], labels, options);
      // Ours: as if each text were predicted alone with its own labels.
      assert.deepEqual(ours[1], await embeddingsPath.predictEntities(second, labels[1] as string[], options));
      // The reference's output for text 1 = text 1 scored with text 0's labels, renamed by position to text 1's.
      const asReference = (await embeddingsPath.predictEntities(second, labels[0] as string[], options)).map((e) => ({
        ...e,
        label: (labels[1] as string[])[(labels[0] as string[]).indexOf(e.label)] as string,
      }));
      const expected = toUtf16(second, (c.entities ?? [])[1] ?? []);
      assertEntitiesMatch(asReference, expected, asReference, "reference behaviour, text 1");
    });

    test("predictEntities with labelEmbeddings uses them (the reference's predict_with_embeds ignores them)", async () => {
      const check = golden.predict_with_embeds_check;
      const options = { threshold: 0.3 };
      const embeddings = await embeddingsPath.encodeLabels(PREDICT_WITH_EMBEDS_LABELS);
      const stored = JSON.parse(JSON.stringify({ ...embeddings, data: Array.from(embeddings.data) })) as { labels: string[]; dim: number; data: number[] };
      const reloaded = { ...stored, data: Float32Array.from(stored.data) };
      const fresh = await GLiNER.fromPretrained(dir, { labelCacheSize: 0 });
      try {
        const withEmbeddings = await fresh.predictEntities(PREDICT_WITH_EMBEDS_TEXT, PREDICT_WITH_EMBEDS_LABELS, { ...options, labelEmbeddings: reloaded });
        assertEntitiesMatch(withEmbeddings, check.entities, withEmbeddings, "stored embeddings");
        assert.equal(fresh.labelCache?.misses, 0, "the labels encoder did not run for the given labels");
        // Zero embeddings: the reference returns the same entities (it ignored them); here they change the result.
        assert.equal(check.same_result_with_zero_embeddings, true);
        const zeros = { ...reloaded, data: new Float32Array(reloaded.data.length) };
        const withZeros = await fresh.predictEntities(PREDICT_WITH_EMBEDS_TEXT, PREDICT_WITH_EMBEDS_LABELS, { ...options, labelEmbeddings: zeros });
        assert.notDeepEqual(withZeros, withEmbeddings);
      } finally {
        await fresh.dispose();
      }
    });
  });
}

function perText(labels: string[] | string[][], index: number): string[] {
  return Array.isArray(labels[0]) ? ((labels as string[][])[index] as string[]) : (labels as string[]);
}

async function assertInputsAndLogits(model: GLiNER, c: BiCase, labels: readonly string[]): Promise<number> {
  const { config, tokenizer, session, labels: encoder } = modelInternals(model);
  assert.ok(encoder);
  const encoded = (c.model_text_indices ?? []).map((i) => {
    const words = splitWords(c.call.texts[i] as string).slice(0, config.maxLength).map((w) => w.text);
    return encodePrompt(labels, words, config, tokenizer);
  });
  const spanWidth = config.mode === "span" ? { spanWidth: config.maxWidth } : {};
  const { feeds } = buildFeeds(encoded, { padId: tokenizer.padId, ...spanWidth });
  const { ids, mask } = encoder.tokenTensors(labels);
  const built = { ...feeds, labels_input_ids: ids, labels_attention_mask: mask };
  for (const [input, values] of Object.entries(c.inputs ?? {})) {
    const ours = built[input as keyof typeof built];
    assert.ok(ours, `we build no ${input}`);
    assert.deepEqual(Array.from(ours.data, Number), flat(values), `input ${input}`);
    if (input.startsWith("labels_")) assert.deepEqual([...ours.dims], [labels.length, (values[0] as unknown[]).length]);
  }
  Object.assign(feeds, await encoder.feeds(labels));
  const { logits } = await session.run(feeds, ["logits"]);
  assert.ok(logits);
  assert.deepEqual([...logits.dims], c.logits_shape, "logits shape");
  const delta = maxAbsDelta(flat(c.logits), logits.data);
  assert.ok(delta < LOGIT_TOLERANCE, `${encoder.input} path: max |Δlogit| ${delta}`);
  return delta;
}

async function assertEntities(model: GLiNER, c: BiCase): Promise<number> {
  assert.equal(c.error, null);
  const quiet = { truncation: "truncate" as const, onTruncate: () => {} };
  const options = { threshold: c.call.threshold, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label, ...quiet };
  const perTextLists = Array.isArray(c.call.labels[0]);
  const ours = await model.batchPredictEntities(c.call.texts, c.call.labels, options);
  const alternatives = await model.batchPredictEntities(c.call.texts, c.call.labels, { ...options, flatNer: false, multiLabel: true });
  let flips = 0;
  c.call.texts.forEach((text, i) => {
    // Per-text lists: only text 0 is comparable here; the reference's text 1 is checked in its own test.
    if (perTextLists && i > 0) return;
    const expected = toUtf16(text, (c.entities ?? [])[i] ?? []);
    flips += assertEntitiesMatch(ours[i] ?? [], expected, alternatives[i] ?? [], `${c.id} text ${i}`);
  });
  return flips;
}

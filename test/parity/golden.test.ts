/**
 * Parity with the Python reference (GLiNER 0.2.27) on every golden case of both fixture models: words,
 * model inputs (exact), logits (within 1e-4 of torch) and entities (exact up to proven near-ties).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import { buildFeeds } from "../../src/tensors/batch.js";
import { splitWords } from "../../src/text/words.js";
import { assertEntitiesMatch, toUtf16 } from "../helpers/entities.js";
import { type FixtureModel, flat, type GoldenCase, type GoldenFile, modelDir, readGolden } from "../helpers/fixtures.js";
import { assertWords } from "../helpers/golden-checks.js";
import { modelInternals } from "../helpers/internals.js";

const LOGIT_TOLERANCE = 1e-4;

for (const name of ["span-markerv0", "token-level"] as const satisfies readonly FixtureModel[]) {
  describe(`golden parity: ${name}`, () => {
    const golden = readGolden<GoldenFile>(`${name}.json`);
    let model: GLiNER;
    const counts = { cases: 0, inputs: 0, logits: 0, entities: 0, nearTieFlips: 0 };
    before(async () => {
      model = await GLiNER.fromPretrained(modelDir(name));
    });
    after(async () => {
      await model.dispose();
      console.log(`# ${name}: ${JSON.stringify(counts)}`);
    });

    test("covers all 29 reference cases", () => assert.equal(golden.cases.length, 29));

    for (const c of golden.cases) {
      test(c.id, async () => {
        counts.cases++;
        assertWords(c);
        if (c.inputs !== null) {
          await assertInputsAndLogits(model, c);
          counts.inputs++;
          counts.logits++;
        } else {
          // The reference made no model call: every text was empty after strip().
          assert.deepEqual(c.model_text_indices, []);
        }
        counts.nearTieFlips += await assertEntities(model, c);
        counts.entities++;
      });
    }
  });
}

async function assertInputsAndLogits(model: GLiNER, c: GoldenCase): Promise<void> {
  const { config, tokenizer, session } = modelInternals(model);
  const labels = [...new Set(c.call.labels)];
  const encoded = (c.model_text_indices ?? []).map((i) => {
    const words = splitWords(c.call.texts[i] as string).slice(0, config.maxLength).map((w) => w.text);
    return encodePrompt(labels, words, config, tokenizer);
  });
  const spanWidth = config.mode === "span" ? { spanWidth: config.maxWidth } : {};
  const { feeds } = buildFeeds(encoded, { padId: tokenizer.padId, ...spanWidth });
  for (const [name, values] of Object.entries(c.inputs ?? {})) {
    const ours = feeds[name];
    assert.ok(ours, `we build no ${name}`);
    assert.deepEqual(Array.from(ours.data, Number), flat(values), `input ${name}`);
  }
  const { logits } = await session.run(feeds, ["logits"]);
  assert.ok(logits);
  assert.deepEqual([...logits.dims], c.logits_shape, "logits shape");
  const reference = flat(c.logits);
  let maxDelta = 0;
  reference.forEach((v, i) => (maxDelta = Math.max(maxDelta, Math.abs(v - (logits.data[i] as number)))));
  assert.ok(maxDelta < LOGIT_TOLERANCE, `max |Δlogit| ${maxDelta}`);
}

async function assertEntities(model: GLiNER, c: GoldenCase): Promise<number> {
  assert.equal(c.error, null, "HEAD goldens record no error");
  const options = { threshold: c.call.threshold, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label };
  const quiet = { truncation: "truncate" as const, onTruncate: () => {} };
  const ours = await model.batchPredictEntities(c.call.texts, c.call.labels, { ...options, ...quiet });
  const alternatives = await model.batchPredictEntities(c.call.texts, c.call.labels, {
    threshold: c.call.threshold,
    flatNer: false,
    multiLabel: true,
    ...quiet,
  });
  let flips = 0;
  c.call.texts.forEach((text, i) => {
    const expected = toUtf16(text, (c.entities ?? [])[i] ?? []);
    flips += assertEntitiesMatch(ours[i] ?? [], expected, alternatives[i] ?? [], `${c.id} text ${i}`);
  });
  return flips;
}

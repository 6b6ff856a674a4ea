/**
 * The legacy reference (GLiNER v0.2.13, contemporary with gliner-multitask-large-v0.5) and the 2024 ONNX
 * layout: `model_legacy.onnx` returns token logits as [3, B, L, C] (like onnx-community's export).
 * - HEAD goldens through model_legacy.onnx: proves the [3,B,L,C] layout decodes like [B,L,C,3].
 * - v0.2.13 goldens with `tokenScore: "mean"` (v0.2.13's token score): the legacy decoding rule.
 * The one expected difference: `zero_width`, where v0.2.13 used the slow sentencepiece tokenizer, which drops
 * words that normalize to nothing (the fast tokenizer, and we, give them "▁"): the test proves the inputs differ.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import { splitWords } from "../../src/text/words.js";
import { assertEntitiesMatch, toUtf16 } from "../helpers/entities.js";
import { flat, type GoldenCase, type GoldenFile, modelDir, readGolden } from "../helpers/fixtures.js";
import { modelInternals } from "../helpers/internals.js";

const TOKENIZER_DIFFERS = "zero_width";

interface Run {
  title: string;
  model: "span-markerv0" | "token-level";
  onnxFile: string;
  golden: string;
  tokenScore: "min" | "mean";
}

const runs: Run[] = [
  { title: "HEAD goldens via the [3,B,L,C] export", model: "token-level", onnxFile: "onnx/model_legacy.onnx", golden: "token-level.json", tokenScore: "min" },
  { title: "v0.2.13 token goldens (mean score)", model: "token-level", onnxFile: "onnx/model_legacy.onnx", golden: "legacy-0.2.13/token-level.json", tokenScore: "mean" },
  { title: "v0.2.13 span goldens", model: "span-markerv0", onnxFile: "onnx/model.onnx", golden: "legacy-0.2.13/span-markerv0.json", tokenScore: "min" },
];

for (const run of runs) {
  describe(`legacy parity: ${run.title}`, () => {
    const golden = readGolden<GoldenFile>(run.golden);
    const legacy = run.golden.startsWith("legacy");
    let model: GLiNER;
    before(async () => {
      model = await GLiNER.fromPretrained(modelDir(run.model), { onnxFile: run.onnxFile });
    });
    after(() => model.dispose());

    for (const c of golden.cases) {
      test(c.id, async () => {
        const options = { threshold: c.call.threshold, truncation: "truncate" as const, onTruncate: () => {}, tokenScore: run.tokenScore };
        const ours = await model.batchPredictEntities(c.call.texts, c.call.labels, { ...options, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label });
        if (legacy && c.id === TOKENIZER_DIFFERS) {
          assertSlowTokenizerDiffers(model, c);
          return;
        }
        if (c.error !== null) {
          // v0.2.13 sent an empty text as the word "[PAD]" and crashed mapping a span on it (GLiNER #316).
          assert.match(c.error, /IndexError/);
          assert.deepEqual(ours, c.call.texts.map(() => []));
          return;
        }
        const alternatives = await model.batchPredictEntities(c.call.texts, c.call.labels, { ...options, flatNer: false, multiLabel: true });
        c.call.texts.forEach((text, i) => {
          assertEntitiesMatch(ours[i] ?? [], toUtf16(text, (c.entities ?? [])[i] ?? []), alternatives[i] ?? [], `${c.id} text ${i}`);
        });
      });
    }
  });
}

function assertSlowTokenizerDiffers(model: GLiNER, c: GoldenCase): void {
  const { config, tokenizer } = modelInternals(model);
  const words = splitWords(c.call.texts[0] as string).map((w) => w.text);
  const ours = encodePrompt([...new Set(c.call.labels)], words, config, tokenizer).inputIds;
  const theirs = flat((c.inputs ?? {})["input_ids"]);
  assert.notDeepEqual(ours, theirs, "v0.2.13's slow tokenizer gives other ids for zero-width words");
  assert.ok(ours.length > theirs.length, "the fast tokenizer keeps a ▁ token for each zero-width word");
}

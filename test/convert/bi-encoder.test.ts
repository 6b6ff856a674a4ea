/**
 * The converter on the bi-encoder fixtures: from model.safetensors it builds the reference's three ONNX signatures
 * (model.onnx with labels as tokens, model_labels_embeddings.onnx, labels_encoder.onnx), which reproduce the
 * fixtures' ONNX files and the torch goldens on every golden case with inputs; the converted folder loads and
 * predicts the golden entities.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { parseBiEncoderSettings } from "../../src/convert/bi-encoder.js";
import { convertCheckpoint } from "../../src/convert/index.js";
import { GlinerError } from "../../src/errors.js";
import { GLiNER } from "../../src/node.js";
import { FIXTURES, feeds, flatten, goldenCases, maxAbsDiff } from "./golden-run.js";

const TOLERANCE = 1e-4;
const EMBEDDING_TOLERANCE = 1e-5;
const work = mkdtempSync(join(tmpdir(), "gliner-convert-bi-"));
after(() => rmSync(work, { recursive: true, force: true }));

type Nested = number | boolean | Nested[];

for (const model of ["bi-span", "bi-token"]) {
  test(`${model}: converted ONNX files reproduce the fixture's ONNX outputs and the goldens`, async () => {
    const source = join(FIXTURES, "models", model);
    const out = join(work, model);
    const result = await convertCheckpoint(source, out);
    assert.equal(result.modelPath, join(out, "onnx", "model.onnx"));
    for (const file of ["onnx/labels_encoder.onnx", "onnx/model_labels_embeddings.onnx", "onnx/model.onnx", "labels_encoder/tokenizer.json", "gliner_config.json"]) {
      assert.ok(result.files.includes(file), `${file} written`);
    }
    assert.deepEqual(readFileSync(join(out, "labels_encoder", "tokenizer.json")), readFileSync(join(source, "labels_encoder", "tokenizer.json")));
    // Only the BERT pooler (stored, never used by GLiNER) and the LSTM (bi-encoders never run it) are left.
    assert.ok(result.unusedTensors.every((name) => /labels_encoder\.model\.pooler\.|^rnn\./.test(name)), result.unusedTensors.join(", "));

    const open = (dir: string, file: string) => ort.InferenceSession.create(join(dir, "onnx", file));
    const [refMain, refEmbeddings, refLabels, main, embeddings, labels] = await Promise.all([
      open(source, "model.onnx"), open(source, "model_labels_embeddings.onnx"), open(source, "labels_encoder.onnx"),
      open(out, "model.onnx"), open(out, "model_labels_embeddings.onnx"), open(out, "labels_encoder.onnx"),
    ]);
    for (const [ours, theirs] of [[main, refMain], [embeddings, refEmbeddings], [labels, refLabels]] as const) {
      assert.deepEqual(ours.inputNames, theirs.inputNames);
      assert.deepEqual(ours.outputNames, theirs.outputNames);
    }
    const worst = { tokens: 0, embeddings: 0, labels: 0, golden: 0 };
    let checked = 0;
    for (const c of goldenCases(model)) {
      if (c.inputs === null || c.logits === null) continue;
      const inputs = c.inputs as Record<string, Nested>;
      const labelInputs = { input_ids: inputs["labels_input_ids"] as Nested, attention_mask: inputs["labels_attention_mask"] as Nested };
      const refEmbedded = (await refLabels.run(feeds(refLabels, labelInputs)))["labels_embeddings"] as ort.Tensor;
      const ourEmbedded = (await labels.run(feeds(labels, labelInputs)))["labels_embeddings"] as ort.Tensor;
      worst.labels = Math.max(worst.labels, maxAbsDiff(ourEmbedded.data as Float32Array, refEmbedded.data as Float32Array));

      const ourTokens = (await main.run(feeds(main, inputs)))["logits"] as ort.Tensor;
      const refTokens = (await refMain.run(feeds(refMain, inputs)))["logits"] as ort.Tensor;
      assert.deepEqual(ourTokens.dims, refTokens.dims, `${c.id}: logits shape`);
      worst.tokens = Math.max(worst.tokens, maxAbsDiff(ourTokens.data as Float32Array, refTokens.data as Float32Array));
      worst.golden = Math.max(worst.golden, maxAbsDiff(ourTokens.data as Float32Array, flatten(c.logits)));

      const textOnly = Object.fromEntries(Object.entries(inputs).filter(([name]) => !name.startsWith("labels_")));
      const withEmbeddings = (session: ort.InferenceSession) =>
        session.run({ ...feeds({ inputNames: session.inputNames.filter((n) => n !== "labels_embeddings") }, textOnly), labels_embeddings: refEmbedded });
      const ourFromEmbeddings = (await withEmbeddings(embeddings))["logits"] as ort.Tensor;
      const refFromEmbeddings = (await withEmbeddings(refEmbeddings))["logits"] as ort.Tensor;
      worst.embeddings = Math.max(worst.embeddings, maxAbsDiff(ourFromEmbeddings.data as Float32Array, refFromEmbeddings.data as Float32Array));
      worst.golden = Math.max(worst.golden, maxAbsDiff(ourFromEmbeddings.data as Float32Array, flatten(c.logits)));
      checked++;
    }
    assert.equal(checked, 30);
    console.log(`# ${model}: ${checked} cases; max |Δ| vs fixture ONNX: model.onnx ${worst.tokens.toExponential(2)}, model_labels_embeddings.onnx ${worst.embeddings.toExponential(2)}, labels_encoder.onnx ${worst.labels.toExponential(2)}; vs torch logits ${worst.golden.toExponential(2)}`);
    assert.ok(worst.tokens <= TOLERANCE && worst.embeddings <= TOLERANCE && worst.golden <= TOLERANCE, JSON.stringify(worst));
    assert.ok(worst.labels <= EMBEDDING_TOLERANCE, `labels encoder ${worst.labels}`);

    // The converted folder loads as a bi-encoder and predicts the golden entities of the README example.
    const loaded = await GLiNER.fromPretrained(out);
    try {
      assert.equal(loaded.family, model);
      assert.equal(loaded.onnxFile, "onnx/model_labels_embeddings.onnx");
      const seed = goldenCases(model).find((x) => x.id === "seed_ner") as unknown as { call: { texts: string[]; labels: string[] }; entities: { label: string; text: string }[][] };
      const ents = await loaded.predictEntities(seed.call.texts[0] as string, seed.call.labels);
      assert.deepEqual(ents.map((e) => [e.text, e.label]), (seed.entities[0] ?? []).map((e) => [e.text, e.label]));
    } finally {
      await loaded.dispose();
    }
  });
}

test("bi-span with dtype fp16 and q8: the loader picks the dtype's embeddings graph and scores stay close", async () => {
  const source = join(FIXTURES, "models", "bi-span");
  const reference = await GLiNER.fromPretrained(source);
  try {
    const text = "Tim Cook is the CEO of Apple, which is based in Cupertino, California.";
    const labels = ["person", "organization", "location"];
    const expected = await reference.predictEntities(text, labels, { threshold: 0.3, flatNer: false, multiLabel: true });
    for (const [dtype, file, tolerance] of [["fp16", "onnx/model_labels_embeddings_fp16.onnx", 2e-3], ["q8", "onnx/model_labels_embeddings_quantized.onnx", 0.1]] as const) {
      const out = join(work, `bi-span-${dtype}`);
      const result = await convertCheckpoint(source, out, { dtype });
      assert.ok(result.files.includes(file) && result.files.includes("onnx/labels_encoder.onnx"), result.files.join(", "));
      const model = await GLiNER.fromPretrained(out, { dtype });
      try {
        assert.equal(model.onnxFile, file);
        const ours = await model.predictEntities(text, labels, { threshold: 0.3, flatNer: false, multiLabel: true });
        for (const e of expected) {
          const same = ours.find((o) => o.start === e.start && o.end === e.end && o.label === e.label);
          if (same) assert.ok(Math.abs(same.score - e.score) <= tolerance, `${dtype}: ${e.text} ${same.score} vs ${e.score}`);
        }
        assert.ok(ours.length > 0);
      } finally {
        await model.dispose();
      }
    }
  } finally {
    await reference.dispose();
  }
});

test("bi-encoders the converter cannot build are refused by name (unusual ModernBERT flags, cross-fusion, other labels encoders)", () => {
  const config = JSON.parse(readFileSync(join(FIXTURES, "models", "bi-span", "gliner_config.json"), "utf8")) as Record<string, unknown>;
  const labels = config["labels_encoder_config"] as Record<string, unknown>;
  assert.equal(parseBiEncoderSettings(config, undefined, labels).labelsEncoder.hiddenSize, 48);
  const refused = (c: Record<string, unknown>, l: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => parseBiEncoderSettings(c, undefined, l), (e: unknown) => e instanceof GlinerError && e.code === "UNSUPPORTED" && pattern.test(e.message));
  const modernBert = { model_type: "modernbert", hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 22, intermediate_size: 1152 };
  assert.deepEqual(parseBiEncoderSettings({ ...config, encoder_config: modernBert }, undefined, labels).encoder.numLayers, 22);
  refused({ ...config, encoder_config: { ...modernBert, hidden_activation: "silu" } }, labels, /ModernBERT text encoder sets hidden_activation = "silu"/);
  refused({ ...config, encoder_config: { model_type: "xlm-roberta", hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 12, intermediate_size: 3072 } }, labels, /backbone is "xlm-roberta"/);
  refused({ ...config, post_fusion_schema: "l2l-l2t" }, labels, /post_fusion_schema/);
  refused(config, { ...labels, model_type: "xlm-roberta" }, /labels encoder is "xlm-roberta"/);
});

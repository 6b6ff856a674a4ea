/**
 * The converter on a v2.0-style bi-encoder (ModernBERT text encoder, BERT labels encoder): test/fixtures/models/
 * bi-modernbert, built and run by GLiNER 0.2.27 with transformers 5.17 (scripts/fixtures/make_modernbert_bi.py).
 * The converted graphs reproduce the torch logits of every golden case — a 151-token text against a 16-token
 * sliding window, a padded batch — and the converted folder predicts the golden entities.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as ort from "onnxruntime-node";
import { parseTextEncoder } from "../../src/convert/config.js";
import { convertCheckpoint } from "../../src/convert/index.js";
import { subWeights } from "../../src/convert/convert.js";
import { buildModernBert, parseModernBert } from "../../src/convert/modernbert.js";
import { GraphBuilder } from "../../src/convert/onnx-builder.js";
import { DataType } from "../../src/convert/onnx-proto.js";
import { writeModel } from "../../src/convert/onnx-writer.js";
import { readSafetensors } from "../../src/convert/safetensors.js";
import { WeightStore } from "../../src/convert/weights.js";
import { GlinerError } from "../../src/errors.js";
import { GLiNER } from "../../src/node.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import { buildFeeds } from "../../src/tensors/batch.js";
import { splitWords } from "../../src/text/words.js";
import { modelInternals } from "../helpers/internals.js";
import { FIXTURES, feeds, flatten, maxAbsDiff } from "./golden-run.js";

const TOLERANCE = 1e-4;
const MODEL = "bi-modernbert";
const SOURCE = join(FIXTURES, "models", MODEL);
const work = mkdtempSync(join(tmpdir(), "gliner-convert-modernbert-"));
after(() => rmSync(work, { recursive: true, force: true }));

type Nested = number | boolean | Nested[];
interface Case {
  id: string;
  call: { texts: string[]; labels: string[]; threshold: number; flat_ner: boolean };
  inputs: Record<string, Nested>;
  logits: Nested;
  entities: { start: number; end: number; text: string; label: string; score: number }[][];
}
const golden = JSON.parse(readFileSync(join(FIXTURES, "golden", `${MODEL}.json`), "utf8")) as { cases: Case[] };

/** Max |Δ| per golden case of the converted folder's two text graphs against the torch logits. */
async function diffs(out: string): Promise<Map<string, { tokens: number; embeddings: number }>> {
  const open = (file: string) => ort.InferenceSession.create(join(out, "onnx", file));
  const [main, embeddings, labels] = await Promise.all([open("model.onnx"), open("model_labels_embeddings.onnx"), open("labels_encoder.onnx")]);
  const result = new Map<string, { tokens: number; embeddings: number }>();
  for (const c of golden.cases) {
    const expected = flatten(c.logits);
    const ours = (await main.run(feeds(main, c.inputs)))["logits"] as ort.Tensor;
    const labelInputs = { input_ids: c.inputs["labels_input_ids"] as Nested, attention_mask: c.inputs["labels_attention_mask"] as Nested };
    const encoded = (await labels.run(feeds(labels, labelInputs)))["labels_embeddings"] as ort.Tensor;
    const textOnly = Object.fromEntries(Object.entries(c.inputs).filter(([name]) => !name.startsWith("labels_")));
    const textFeeds = feeds({ inputNames: embeddings.inputNames.filter((n) => n !== "labels_embeddings") }, textOnly);
    const fromEmbeddings = (await embeddings.run({ ...textFeeds, labels_embeddings: encoded }))["logits"] as ort.Tensor;
    result.set(c.id, { tokens: maxAbsDiff(ours.data as Float32Array, expected), embeddings: maxAbsDiff(fromEmbeddings.data as Float32Array, expected) });
  }
  return result;
}

async function worstDiff(out: string): Promise<{ tokens: number; embeddings: number; cases: number }> {
  const all = [...(await diffs(out)).values()];
  return { tokens: Math.max(...all.map((d) => d.tokens)), embeddings: Math.max(...all.map((d) => d.embeddings)), cases: all.length };
}

/** A copy of the fixture whose gliner_config.json has `encoder_config` rewritten by `edit`. */
function withEncoderConfig(name: string, edit: (encoder: Record<string, unknown>) => Record<string, unknown>): { source: string; config: Record<string, unknown> } {
  const source = join(work, name);
  cpSync(SOURCE, source, { recursive: true });
  const configPath = join(source, "gliner_config.json");
  const config = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  writeFileSync(configPath, JSON.stringify({ ...config, encoder_config: edit({ ...(config["encoder_config"] as Record<string, unknown>) }) }));
  return { source, config };
}

test("bi-modernbert: the converted ONNX files reproduce the torch logits (sliding window, padding) and the golden entities", async () => {
  const out = join(work, "converted");
  const result = await convertCheckpoint(SOURCE, out);
  for (const file of ["onnx/labels_encoder.onnx", "onnx/model_labels_embeddings.onnx", "onnx/model.onnx", "labels_encoder/tokenizer.json", "tokenizer.json"]) {
    assert.ok(result.files.includes(file), `${file} written`);
  }
  // Every ModernBERT weight is used; only the BERT pooler and the LSTM (bi-encoders never run it) are left.
  assert.ok(result.unusedTensors.every((name) => /labels_encoder\.model\.pooler\.|^rnn\./.test(name)), result.unusedTensors.join(", "));
  const long = golden.cases.find((c) => c.id === "long_window")!;
  assert.ok(flatten(long.inputs["input_ids"]!).length > 16 * 4, "the long case spans several sliding windows");

  const worst = await worstDiff(out);
  console.log(`# ${MODEL}: ${worst.cases} cases; max |Δ| vs torch logits: model.onnx ${worst.tokens.toExponential(2)}, model_labels_embeddings.onnx ${worst.embeddings.toExponential(2)}`);
  assert.equal(worst.cases, 4);
  assert.ok(worst.tokens <= TOLERANCE && worst.embeddings <= TOLERANCE, JSON.stringify(worst));

  const model = await GLiNER.fromPretrained(out);
  try {
    assert.equal(model.family, "bi-span");
    // gliner-ts builds the golden's inputs bit for bit (byte-level BPE words, labels WordPiece, span tensors).
    const { config, tokenizer, labels: encoder } = modelInternals(model);
    for (const c of golden.cases) {
      const encoded = c.call.texts.map((text) => encodePrompt(c.call.labels, splitWords(text).map((w) => w.text), config, tokenizer));
      const { feeds: built } = buildFeeds(encoded, { padId: tokenizer.padId, spanWidth: config.maxWidth });
      const { ids, mask } = encoder!.tokenTensors(c.call.labels);
      const all: Record<string, { data: ArrayLike<unknown> }> = { ...built, labels_input_ids: ids, labels_attention_mask: mask };
      for (const [name, values] of Object.entries(c.inputs)) assert.deepEqual(Array.from(all[name]!.data, Number), flatten(values), `${c.id}: ${name}`);
    }
    for (const c of golden.cases) {
      const got = await model.batchPredictEntities(c.call.texts, c.call.labels, { threshold: c.call.threshold, flatNer: c.call.flat_ner });
      assert.deepEqual(got.map((ents) => ents.map((e) => [e.start, e.end, e.text, e.label])), c.entities.map((ents) => ents.map((e) => [e.start, e.end, e.text, e.label])), c.id);
      got.flat().forEach((e, i) => assert.ok(Math.abs(e.score - c.entities.flat()[i]!.score) <= 1e-4, `${c.id}: ${e.text}`));
    }
  } finally {
    await model.dispose();
  }
});

test("bi-modernbert: a transformers 4.x config (global_attn_every_n_layers, *_rope_theta) builds the same graph", async () => {
  const toLegacy = (encoder: Record<string, unknown>) => {
    const rope = encoder["rope_parameters"] as Record<string, { rope_theta: number }>;
    const { layer_types: _types, rope_parameters: _rope, ...rest } = encoder;
    return { ...rest, global_attn_every_n_layers: 2, global_rope_theta: rope["full_attention"]!.rope_theta, local_rope_theta: rope["sliding_attention"]!.rope_theta };
  };
  const { source, config } = withEncoderConfig("legacy", toLegacy);
  const current = parseModernBert(config["encoder_config"] as Record<string, unknown>);
  assert.deepEqual(parseTextEncoder(toLegacy(config["encoder_config"] as Record<string, unknown>)), current);
  assert.deepEqual([current.globalLayers, current.localAttention, current.globalRopeTheta, current.localRopeTheta], [[true, false, true], 16, 160000, 10000]);
  const out = join(work, "legacy-converted");
  await convertCheckpoint(source, out);
  const worst = await worstDiff(out);
  assert.ok(worst.tokens <= TOLERANCE && worst.embeddings <= TOLERANCE, JSON.stringify(worst));
});

test("bi-modernbert: the goldens see the sliding window and the per-kind RoPE theta (a graph without them fails)", async () => {
  const check = async (name: string, edit: (encoder: Record<string, unknown>) => Record<string, unknown>) => {
    const out = join(work, `${name}-converted`);
    await convertCheckpoint(withEncoderConfig(name, edit).source, out);
    return diffs(out);
  };
  const worst = (d: Map<string, { tokens: number }>) => Math.max(...[...d.values()].map((x) => x.tokens));
  // The local layer without its window (every token within reach), and with the global layers' theta.
  const noWindow = worst(await check("no-window", (e) => ({ ...e, local_attention: 4096 })));
  const rope = { rope_type: "default", rope_theta: 160000 };
  const oneTheta = worst(await check("one-theta", (e) => ({ ...e, rope_parameters: { full_attention: rope, sliding_attention: rope } })));
  console.log(`# a graph without the window: max |Δ| ${noWindow.toExponential(2)}; with one theta: ${oneTheta.toExponential(2)}`);
  assert.ok(noWindow > 50 * TOLERANCE && oneTheta > 50 * TOLERANCE, `${noWindow} ${oneTheta}`);
});

test("bi-modernbert with dtype fp16 and q8: the dtype's graphs load and keep the fp32 entities and scores", async () => {
  const { call } = golden.cases.find((c) => c.id === "long_window")!;
  const options = { threshold: 0.3, flatNer: false, multiLabel: true };
  const reference = await GLiNER.fromPretrained(join(work, "converted"));
  try {
    const expected = await reference.predictEntities(call.texts[0]!, call.labels, options);
    assert.ok(expected.length > 50);
    for (const [dtype, tolerance] of [["fp16", 2e-3], ["q8", 0.05]] as const) {
      const out = join(work, `converted-${dtype}`);
      await convertCheckpoint(SOURCE, out, { dtype });
      const model = await GLiNER.fromPretrained(out, { dtype });
      try {
        const ours = await model.predictEntities(call.texts[0]!, call.labels, options);
        const matched = expected.filter((e) => ours.some((o) => o.start === e.start && o.end === e.end && o.label === e.label && Math.abs(o.score - e.score) <= tolerance));
        assert.ok(matched.length >= expected.length * 0.95, `${dtype}: ${matched.length} of ${expected.length} entities kept`);
      } finally {
        await model.dispose();
      }
    }
  } finally {
    await reference.dispose();
  }
});

test("modernbert-flags: LayerNorm / attention / MLP biases, tanh GELU, other thetas: the encoder graph equals torch's last_hidden_state", async () => {
  const folder = join(FIXTURES, "models", "modernbert-flags");
  const ref = JSON.parse(readFileSync(join(FIXTURES, "golden", "modernbert-flags.json"), "utf8")) as { inputs: Record<string, Nested>; last_hidden_state: Nested };
  const settings = parseModernBert(JSON.parse(readFileSync(join(folder, "config.json"), "utf8")) as Record<string, unknown>);
  assert.deepEqual([settings.globalLayers, settings.hiddenAct, settings.localRopeTheta, settings.normEps], [[true, false, false], "gelu_pytorch_tanh", 500, 1e-6]);
  const checkpoint = await readSafetensors(join(folder, "model.safetensors"));
  try {
    const store = new WeightStore(checkpoint, "embeddings.tok_embeddings.weight", "a ModernBertModel");
    const g = new GraphBuilder("fp32");
    const ids = g.input("input_ids", DataType.INT64, ["batch_size", "sequence_length"]);
    const mask = g.input("attention_mask", DataType.INT64, ["batch_size", "sequence_length"]);
    g.rename(buildModernBert(g, settings, subWeights(store, ""), ids, mask), "last_hidden_state");
    g.output("last_hidden_state", DataType.FLOAT, ["batch_size", "sequence_length", settings.hiddenSize]);
    assert.deepEqual(store.unused(), [], "every weight (biases included) is used");
    const path = join(work, "modernbert-flags.onnx");
    await writeModel(path, g, { opset: 19, producerVersion: "test" });
    const session = await ort.InferenceSession.create(path);
    const hidden = ((await session.run(feeds(session, ref.inputs)))["last_hidden_state"] as ort.Tensor).data as Float32Array;
    // Compare the attended positions only (padded rows depend on the kernel's handling of fully masked rows).
    const attended = flatten(ref.inputs["attention_mask"]!).flatMap((m) => Array<number>(settings.hiddenSize).fill(m));
    const expected = flatten(ref.last_hidden_state);
    const keep = (values: ArrayLike<number>) => Array.from(values).filter((_, i) => attended[i] === 1);
    const delta = maxAbsDiff(keep(hidden), keep(expected));
    console.log(`# modernbert-flags: max |Δ| last_hidden_state ${delta.toExponential(2)} over ${keep(expected).length} values`);
    assert.ok(keep(expected).length === 49 * settings.hiddenSize && delta <= TOLERANCE, String(delta));
    assert.ok(hidden.every(Number.isFinite), "padded rows stay finite");
  } finally {
    await checkpoint.close();
  }
});

test("ModernBERT flags the converter does not build are refused with UNSUPPORTED, naming the flag", () => {
  const base = { model_type: "modernbert", hidden_size: 64, num_attention_heads: 4, num_hidden_layers: 3, intermediate_size: 96 };
  const refused = (extra: Record<string, unknown>, flag: RegExp) =>
    assert.throws(() => parseTextEncoder({ ...base, ...extra }), (e: unknown) => e instanceof GlinerError && e.code === "UNSUPPORTED" && flag.test(e.message));
  refused({ hidden_activation: "silu" }, /hidden_activation = "silu"/);
  refused({ rope_scaling: { type: "linear", factor: 2 } }, /rope_scaling/);
  refused({ rope_parameters: { full_attention: { rope_type: "yarn", rope_theta: 1 } } }, /rope_parameters\.full_attention\.rope_type = "yarn"/);
  refused({ layer_types: ["full_attention", "chunked_attention", "full_attention"] }, /layer_types = "chunked_attention"/);
  refused({ head_dim: 32 }, /head_dim = 32/);
  // Defaults as transformers': every 3rd layer global, window 128, thetas 160k / 10k.
  const s = parseModernBert({ ...base, num_hidden_layers: 7 });
  assert.deepEqual([s.globalLayers, s.localAttention, s.globalRopeTheta, s.localRopeTheta, s.normEps], [[true, false, false, true, false, false, true], 128, 160000, 10000, 1e-5]);
});

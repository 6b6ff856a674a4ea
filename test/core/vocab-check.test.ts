/**
 * The load-time vocabulary check (issue 16, item 7): a tokenizer that can produce ids past the ONNX model's
 * word-embedding rows is refused with ModelLoadError before ONNX Runtime loads the file, whatever
 * gliner_config.json's `vocab_size` says; every fixture model (all families, converted fp16/q8 too) still
 * loads; an embedding the walker cannot find falls back to the config's `vocab_size`, never to a refusal.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { convertCheckpoint } from "../../src/convert/index.js";
import { ModelProto } from "../../src/convert/onnx-proto.js";
import { loadModel } from "../../src/model/load.js";
import { findTextEmbedding } from "../../src/model/onnx-embedding.js";
import { GLiNER, GLiNER2, ModelLoadError } from "../../src/node.js";
import { RelexOnnxMissingError } from "../../src/relex/model-check.js";
import { nodeRuntime } from "../../src/runtime/node.js";
import { memoryFiles } from "../../src/web/model-files.js";
import { FIXTURES } from "../helpers/fixtures.js";

const MODELS = join(FIXTURES, "models");
const EMBEDDING = "core.token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight";

type Json = Record<string, unknown>;

describe("tokenizer vs the ONNX model's embedding rows", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gliner-vocab-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A copy of fixture `model` with its JSON files edited. */
  async function variant(name: string, model: string, edits: Record<string, (json: Json) => Json | void>): Promise<string> {
    const target = join(dir, name);
    await cp(join(MODELS, model), target, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const json = JSON.parse(await readFile(join(target, file), "utf8")) as Json;
      await writeFile(join(target, file), JSON.stringify(edit(json) ?? json));
    }
    return target;
  }

  /** token-level (8003 embedding rows) with relex-span's tokenizer (ids up to 8003, "<<ENT>>" at the same id). */
  async function foreignTokenizer(name: string, config: (c: Json) => void = (c) => void (c["vocab_size"] = 250_000)): Promise<string> {
    const relexTokenizer = JSON.parse(await readFile(join(MODELS, "relex-span", "tokenizer.json"), "utf8")) as Json;
    return variant(name, "token-level", { "gliner_config.json": config, "tokenizer.json": () => relexTokenizer });
  }

  const refusedForRows = (e: unknown) =>
    e instanceof ModelLoadError &&
    e.code === "MODEL_LOAD" &&
    /produces ids up to 8003/.test(e.message) &&
    new RegExp(`"${EMBEDDING.replace(/\./g, "\\.")}" of onnx/model\\.onnx has 8003 rows`).test(e.message) &&
    /tokenizer\.json/.test(e.message) &&
    /gliner-ts convert/.test(e.message);

  test("a foreign tokenizer with more ids than the embedding rows is refused, though the config's vocab_size is large", async () => {
    await assert.rejects(GLiNER.fromPretrained(await foreignTokenizer("foreign")), refusedForRows);
  });

  test("the same check on model bytes in memory (the browser's path)", async () => {
    const folder = await foreignTokenizer("foreign-memory");
    const names = ["gliner_config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"];
    const bytes = Object.fromEntries(await Promise.all(names.map(async (n) => [n, new Uint8Array(await readFile(join(folder, n)))] as const)));
    const runtime = { ...nodeRuntime(), openModel: async () => memoryFiles(bytes) };
    await assert.rejects(loadModel(runtime, "in-memory"), refusedForRows);
  });

  test("GLiNER2: a tokenizer extended past the 8011 embedding rows is refused", async () => {
    const target = await variant("gliner2-extended", "gliner2-span", {
      "tokenizer.json": (t) => {
        const added = t["added_tokens"] as Json[];
        added.push({ ...added[added.length - 1], id: 8011, content: "[EXTRA]" });
      },
    });
    await assert.rejects(
      GLiNER2.fromPretrained(target),
      (e: unknown) => e instanceof ModelLoadError && /produces ids up to 8011/.test(e.message) && /has 8011 rows/.test(e.message),
    );
  });

  test("relex: the refusal stays a refusal (no conversion on first use is tried)", async () => {
    const converted = join(dir, "relex-converted");
    await convertCheckpoint(join(MODELS, "relex-span"), converted);
    const tokenizer = join(converted, "tokenizer.json");
    const t = JSON.parse(await readFile(tokenizer, "utf8")) as Json;
    const added = t["added_tokens"] as Json[];
    added.push({ ...added[added.length - 1], id: 8004, content: "[EXTRA]" });
    await writeFile(tokenizer, JSON.stringify(t));
    // Not RelexOnnxMissingError: that one makes GLiNER.fromPretrained convert the checkpoint into the cache first.
    await assert.rejects(
      loadModel(nodeRuntime(), converted),
      (e: unknown) => e instanceof ModelLoadError && !(e instanceof RelexOnnxMissingError) && /produces ids up to 8004/.test(e.message) && /has 8004 rows/.test(e.message),
    );
  });

  test("bi-encoders: a labels tokenizer with more ids than the labels encoder's 3042 rows is refused (both graphs)", async () => {
    const extended = (t: Json) => {
      const added = (t["added_tokens"] ?? []) as Json[];
      t["added_tokens"] = [...added, { id: 3042, content: "[EXTRA]", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
    };
    const target = await variant("bi-labels-extended", "bi-span", { "labels_encoder/tokenizer.json": extended });
    const refused = (e: unknown) =>
      e instanceof ModelLoadError && /labels tokenizer .*labels_encoder\/tokenizer\.json\) produces ids up to 3042/.test(e.message) && /has 3042 rows/.test(e.message);
    // labels_encoder.onnx (labels as embeddings), and the labels-as-tokens graph that holds the table itself.
    await assert.rejects(GLiNER.fromPretrained(target), refused);
    await assert.rejects(GLiNER.fromPretrained(target, { onnxFile: "onnx/model.onnx" }), refused);
  });

  test("an embedding the walker cannot find by name: the config's vocab_size decides, and without it the model loads", async () => {
    const renamed = async (name: string, config: (c: Json) => void) => {
      const target = await foreignTokenizer(name, config);
      const file = join(target, "onnx", "model.onnx");
      const model = ModelProto.decode(await readFile(file)) as unknown as { graph: { initializer: { name: string }[]; node: { input: string[] }[] } };
      const rename = (n: string) => (n === EMBEDDING ? "onnx::Gather_0" : n);
      for (const t of model.graph.initializer) t.name = rename(t.name);
      for (const node of model.graph.node) node.input = node.input.map(rename);
      await writeFile(file, ModelProto.encode(model).finish());
      return target;
    };
    await assert.rejects(
      GLiNER.fromPretrained(await renamed("renamed-config", (c) => void (c["vocab_size"] = 8003))),
      (e: unknown) => e instanceof ModelLoadError && /gliner_config\.json's "vocab_size"/.test(e.message),
    );
    const unchecked = await GLiNER.fromPretrained(await renamed("renamed-no-config", (c) => {
      delete c["vocab_size"];
      delete (c["encoder_config"] as Json)["vocab_size"];
    }));
    await unchecked.dispose();
  });

  test("every committed fixture model loads (all families), and converted fp16 / q8 / ModernBERT / relex ones", async () => {
    const gliner: [string, Parameters<typeof GLiNER.fromPretrained>[1]][] = [
      [join(MODELS, "span-markerv0"), {}],
      [join(MODELS, "token-level"), {}],
      [join(MODELS, "token-level"), { onnxFile: "onnx/model_legacy.onnx" }],
      [join(MODELS, "bi-span"), {}],
      [join(MODELS, "bi-token"), {}],
    ];
    for (const [model, dtype] of [["token-level", "fp16"], ["token-level", "q8"], ["bi-modernbert", "q8"], ["relex-span", "fp32"]] as const) {
      const out = join(dir, `converted-${model}-${dtype}`);
      const { modelPath } = await convertCheckpoint(join(MODELS, model), out, { dtype });
      // The check really ran on these (fp16 and q8 tables keep their rows, ModernBERT names it tok_embeddings).
      const source = await nodeRuntime().openModelBytes!(modelPath);
      const table = await findTextEmbedding(source).finally(() => source.close());
      assert.equal(table?.rows, { "bi-modernbert": 608, "relex-span": 8004, "token-level": 8003 }[model], `${model} ${dtype}: ${JSON.stringify(table)}`);
      gliner.push([out, { dtype }]);
    }
    for (const [model, options] of gliner) {
      const loaded = await GLiNER.fromPretrained(model, options);
      await loaded.dispose();
    }
    const gliner2 = await GLiNER2.fromPretrained(join(MODELS, "gliner2-span"));
    await gliner2.dispose();
  });
});

/** Loading models (local folder and hub) and every load-time error path. */
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GLiNER, isGlinerError, ModelLoadError } from "../../src/node.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";
import { DEFAULT_TEST_REPO, type HubServer, startHubServer } from "../helpers/hub-server.js";

const TEXT = "Bill Gates founded Microsoft in Albuquerque.";
const LABELS = ["person", "company", "city"];

describe("loading from the hub", () => {
  let hub: HubServer;
  let cacheDir: string;
  before(async () => {
    hub = await startHubServer();
    cacheDir = await mkdtemp(join(tmpdir(), "gliner-hub-"));
  });
  after(async () => {
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test("a repo id downloads into the cache and predicts like the local folder", async () => {
    const progress: string[] = [];
    const remote = await GLiNER.fromPretrained(DEFAULT_TEST_REPO, {
      endpoint: hub.url,
      cacheDir,
      onProgress: (p) => progress.push(p.file),
    });
    const local = await GLiNER.fromPretrained(SPAN_MODEL);
    assert.deepEqual(await remote.predictEntities(TEXT, LABELS), await local.predictEntities(TEXT, LABELS));
    assert.ok(progress.includes("onnx/model.onnx"));
    assert.equal(remote.onnxFile, "onnx/model.onnx");
    assert.equal(remote.family, "uni-span");
    await Promise.all([remote.dispose(), local.dispose()]);
  });

  test("offline, the cached model loads without a single request", async () => {
    const before = hub.requests.length;
    const model = await GLiNER.fromPretrained(DEFAULT_TEST_REPO, { endpoint: hub.url, cacheDir, localFilesOnly: true });
    assert.equal(hub.requests.length, before);
    await model.dispose();
  });

  test("a dtype without a file is a clear load error", async () => {
    await assert.rejects(
      GLiNER.fromPretrained(DEFAULT_TEST_REPO, { endpoint: hub.url, cacheDir, dtype: "q4" }),
      (e: unknown) => e instanceof ModelLoadError && /model_q4\.onnx/.test(e.message),
    );
  });
});

describe("load errors", () => {
  let broken: string;
  before(async () => {
    broken = await mkdtemp(join(tmpdir(), "gliner-broken-"));
  });
  after(() => rm(broken, { recursive: true, force: true }));

  test("unknown dtype names the valid ones", async () => {
    await assert.rejects(GLiNER.fromPretrained(SPAN_MODEL, { dtype: "fp8" }), /Unknown dtype "fp8".*fp32, fp16, q8/);
  });

  test("missing gliner_config.json", async () => {
    await assert.rejects(GLiNER.fromPretrained(broken), (e: unknown) => e instanceof ModelLoadError && /gliner_config\.json/.test(e.message));
  });

  test("an ONNX file whose inputs do not fit the config's mode", async () => {
    // The span model's config with the token model's ONNX: 4 inputs where 6 are needed.
    const dir = join(broken, "mismatch");
    await cp(SPAN_MODEL, dir, { recursive: true });
    await cp(join(TOKEN_MODEL, "onnx", "model.onnx"), join(dir, "onnx", "model.onnx"));
    await assert.rejects(GLiNER.fromPretrained(dir), /does not fit a span-level GLiNER.*missing span_idx, span_mask/);
  });

  test("a tokenizer that does not belong to the model", async () => {
    const dir = join(broken, "tokenizer");
    await cp(SPAN_MODEL, dir, { recursive: true });
    const config = JSON.parse(await (await import("node:fs/promises")).readFile(join(dir, "gliner_config.json"), "utf8"));
    await writeFile(join(dir, "gliner_config.json"), JSON.stringify({ ...config, class_token_index: 128002 }));
    await assert.rejects(GLiNER.fromPretrained(dir), /class_token_index 128002.*id 8001/);
  });

  test("unsupported model kinds are refused by name", async () => {
    const dir = join(broken, "biencoder");
    await cp(SPAN_MODEL, dir, { recursive: true });
    const config = JSON.parse(await (await import("node:fs/promises")).readFile(join(dir, "gliner_config.json"), "utf8"));
    await writeFile(join(dir, "gliner_config.json"), JSON.stringify({ ...config, labels_decoder: "gpt2" }));
    await assert.rejects(
      GLiNER.fromPretrained(dir),
      (e: unknown) => isGlinerError(e) && e.code === "UNSUPPORTED" && /generative label decoder/.test(e.message),
    );
  });

  test("a source that is neither a folder nor a repo id", async () => {
    await assert.rejects(GLiNER.fromPretrained("./no/such/folder"), /neither a local folder nor a Hugging Face repo id/);
  });
});

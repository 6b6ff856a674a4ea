/**
 * The worker API in headless Chromium, on a cross-origin isolated page (so WASM threads are available): hub
 * repos through the Cache API, tokens, files in memory, typed errors across the worker boundary, truncation
 * reports, and the in-page `GLiNER` of web.js with its device choice. Results are compared with Node's.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { GLiNER } from "../../src/node.js";
import type { Entity } from "../../src/types.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";
import { DEFAULT_TEST_REPO, type HubServer, startHubServer } from "../helpers/hub-server.js";
import { chromiumPath, ensureWebBuild, launchChromium, openTestPage, type StaticServer, startStaticServer } from "./setup.js";

type Client = typeof import("../../src/web/client.js");
type WebEntry = typeof import("../../src/web.js");
type PageGlobals = { client: Client; gliner: import("../../src/web/client.js").GlinerWorker };

const TEXT = "Ada Lovelace wrote the first program for Charles Babbage's Analytical Engine in London in 1843.";
const LABELS = ["person", "machine", "city", "date"];
const OPTIONS = { threshold: 0.3 };
const MODEL_FILES = ["gliner_config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json"];

/** What the page reports about an error, since Error objects do not survive `page.evaluate`. */
interface ErrorReport {
  name: string;
  message: string;
  code?: string;
  argument?: string;
  words?: number;
  maxLength?: number;
  status?: number;
  isGlinerError: boolean;
  instanceOfClass: boolean;
}

const chromium = chromiumPath();

describe("browser worker API", { skip: "skip" in chromium ? chromium.skip : false }, () => {
  let hub: HubServer;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let nodeSpan: Entity[];

  before(async () => {
    ensureWebBuild();
    hub = await startHubServer();
    server = await startStaticServer({ hubUrl: hub.url, isolated: true });
    browser = await launchChromium((chromium as { path: string }).path);
    page = await openTestPage(browser, server.url);
    await page.evaluate(async (clientUrl) => {
      const client = (await import(clientUrl)) as Client;
      Object.assign(globalThis, { client, gliner: client.createGlinerWorker() } satisfies PageGlobals);
    }, "/web/client.js");
    const node = await GLiNER.fromPretrained(SPAN_MODEL);
    nodeSpan = await node.predictEntities(TEXT, LABELS, OPTIONS);
    await node.dispose();
    assert.ok(nodeSpan.length > 0, "the comparison needs entities");
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await hub?.close();
  });

  const hubGets = () => hub.requests.filter((r) => r.method === "GET").length;

  test("a hub repo downloads once with progress, then loads from the Cache API; 2 WASM threads give Node's entities", async () => {
    const run = await page.evaluate(
      async ({ repo, text, labels, options }) => {
        const { gliner } = globalThis as unknown as PageGlobals;
        const endpoint = `${location.origin}/hub`;
        const progressFiles: string[] = [];
        const info = await gliner.load(repo, { endpoint, session: { intraOpNumThreads: 2 }, onProgress: (p) => progressFiles.push(p.file) });
        const entities = await gliner.predictEntities(text, labels, options);
        return { isolated: crossOriginIsolated, info, entities, progressFiles: [...new Set(progressFiles)] };
      },
      { repo: DEFAULT_TEST_REPO, text: TEXT, labels: LABELS, options: OPTIONS },
    );
    assert.equal(run.isolated, true, "the page must be cross-origin isolated for WASM threads");
    assert.equal(run.info.source, `hub:${DEFAULT_TEST_REPO}@main`);
    assert.deepEqual(run.progressFiles.sort(), MODEL_FILES);
    assertSameEntities([run.entities], [nodeSpan], "hub model in the worker vs Node");
    const downloaded = hub.requests.filter((r) => r.method === "GET").map((r) => decodeURIComponent(r.path).split("/resolve/main/")[1]);
    assert.deepEqual(downloaded.sort(), MODEL_FILES);

    const before = hubGets();
    const again = await page.evaluate(async (repo) => {
      const { gliner } = globalThis as unknown as PageGlobals;
      await gliner.load(repo, { endpoint: `${location.origin}/hub` });
      const offline = await gliner.load(repo, { endpoint: `${location.origin}/hub`, localFilesOnly: true });
      return offline.source;
    }, DEFAULT_TEST_REPO);
    assert.equal(again, `hub:${DEFAULT_TEST_REPO}@main`);
    assert.equal(hubGets(), before, "the second and offline loads must come from the Cache API");
  });

  test("hub failures arrive as typed HubErrors: offline miss, missing repo, refused and accepted token", async () => {
    hub.options.token = "hf_test_token";
    try {
      const reports = await page.evaluate(async (repo) => {
        const { client, gliner } = globalThis as unknown as PageGlobals;
        const endpoint = `${location.origin}/hub`;
        const report = async (load: () => Promise<unknown>): Promise<ErrorReport | string> => {
          try {
            await load();
            return "loaded";
          } catch (error) {
            const e = error as Error & { code?: string; argument?: string; status?: number };
            return { name: e.name, message: e.message, code: e.code, argument: e.argument, status: e.status, isGlinerError: client.isGlinerError(e), instanceOfClass: e instanceof client.HubError };
          }
        };
        return {
          offlineMiss: await report(() => gliner.load(repo, { endpoint, revision: "v2", localFilesOnly: true })),
          missingRepo: await report(() => gliner.load("test-org/missing", { endpoint, cacheName: false, token: "hf_test_token" })),
          noToken: await report(() => gliner.load(repo, { endpoint, cacheName: false })),
          token: await report(() => gliner.load(repo, { endpoint, cacheName: false, token: "hf_test_token" })),
        };
      }, DEFAULT_TEST_REPO);
      const offline = reports.offlineMiss as ErrorReport;
      assert.equal(offline.code, "HUB");
      assert.ok(offline.instanceOfClass && offline.isGlinerError);
      assert.match(offline.message, /not in the browser cache.*localFilesOnly/);
      const missing = reports.missingRepo as ErrorReport;
      assert.equal(missing.status, 404);
      assert.match(missing.message, /repo test-org\/missing not found/);
      const refused = reports.noToken as ErrorReport;
      assert.equal(refused.status, 401);
      assert.match(refused.message, /private or gated/);
      assert.equal(reports.token, "loaded");
      const authorized = hub.requests.filter((r) => r.headers.authorization === "Bearer hf_test_token");
      assert.ok(authorized.length >= 4, "the token must reach the hub");
    } finally {
      delete hub.options.token;
    }
  });

  test("files in memory load like a folder", async () => {
    const entities = await page.evaluate(
      async ({ files, text, labels, options }) => {
        const { gliner } = globalThis as unknown as PageGlobals;
        const bytes: Record<string, Uint8Array | string> = {};
        for (const file of files) {
          const res = await fetch(`/models/span-markerv0/${file}`);
          bytes[file] = file.endsWith(".json") ? await res.text() : new Uint8Array(await res.arrayBuffer());
        }
        const info = await gliner.load(bytes);
        if (!info.source.startsWith("in-memory files")) throw new Error(`unexpected source ${info.source}`);
        return gliner.predictEntities(text, labels, options);
      },
      { files: MODEL_FILES, text: TEXT, labels: LABELS, options: OPTIONS },
    );
    assertSameEntities([entities], [nodeSpan], "in-memory model vs Node");
  });

  test("errors keep their class across the worker; truncation is reported on the page", async () => {
    const longText = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
    const run = await page.evaluate(async (longText) => {
      const { client, gliner } = globalThis as unknown as PageGlobals;
      const report = async (call: () => Promise<unknown>, cls: new (...args: never[]) => Error): Promise<ErrorReport | string> => {
        try {
          await call();
          return "no error";
        } catch (error) {
          const e = error as Error & { code?: string; argument?: string; words?: number; maxLength?: number };
          const fields = e.maxLength === undefined ? {} : { words: e.words, maxLength: e.maxLength };
          return { name: e.name, message: e.message, code: e.code, argument: e.argument, ...fields, isGlinerError: client.isGlinerError(e), instanceOfClass: e instanceof cls };
        }
      };
      await gliner.dispose();
      const notLoaded = await report(() => gliner.predictEntities("text", ["person"]), client.ModelLoadError);
      const noFolder = await report(() => gliner.load("/models/no-such-model"), client.ModelLoadError);
      await gliner.load("/models/span-markerv0");
      const emptyLabels = await report(() => gliner.predictEntities("text", []), client.InvalidInputError);
      const badThreshold = await report(() => gliner.predictEntities("text", ["person"], { threshold: 2 }), client.InvalidInputError);
      const tooLong = await report(() => gliner.predictEntities(longText, ["person"], { truncation: "error" }), client.TextTooLongError);
      const notSendable = await report(
        () => gliner.predictEntities("text", ["person"], { threshold: (() => 0.5) as unknown as number }),
        client.InvalidInputError,
      );
      const truncations: unknown[] = [];
      const kept = await gliner.inference([longText], ["person"], { truncation: "truncate", onTruncate: (info) => truncations.push(info) });
      return { notLoaded, noFolder, emptyLabels, badThreshold, tooLong, notSendable, truncations, modelWords: kept[0]?.modelWords };
    }, longText);
    const expectError = (report: ErrorReport | string, code: string, pattern: RegExp, argument?: string) => {
      assert.equal(typeof report, "object", `expected an error, got ${String(report)}`);
      const e = report as ErrorReport;
      assert.equal(e.code, code, e.message);
      assert.ok(e.isGlinerError && e.instanceOfClass, `${e.name} lost its class`);
      assert.match(e.message, pattern);
      if (argument !== undefined) assert.equal(e.argument, argument);
    };
    expectError(run.notLoaded, "MODEL_LOAD", /No model is loaded/);
    expectError(run.noFolder, "MODEL_LOAD", /no-such-model.*gliner_config\.json/);
    expectError(run.emptyLabels, "INVALID_INPUT", /labels is empty/, "labels");
    expectError(run.badThreshold, "INVALID_INPUT", /threshold/, "threshold");
    expectError(run.tooLong, "TEXT_TOO_LONG", /400 words but the model takes at most 384/);
    assert.deepEqual([(run.tooLong as ErrorReport).words, (run.tooLong as ErrorReport).maxLength], [400, 384], "TextTooLongError's fields cross the worker");
    expectError(run.notSendable, "INVALID_INPUT", /could not be sent to the worker/, "options");
    assert.deepEqual(run.truncations, [{ index: 0, words: 400, keptWords: 384 }]);
    assert.equal(run.modelWords, 384);
  });

  test("wasmPaths: ORT's wasm comes from the given folder, not from next to the bundle", async () => {
    const from = server.requests.length;
    const entities = await page.evaluate(
      async ({ text, labels, options }) => {
        const { client } = globalThis as unknown as PageGlobals;
        // A new worker: ORT reads wasmPaths once, when it starts its WebAssembly module.
        const gliner = client.createGlinerWorker();
        try {
          await gliner.load("/models/span-markerv0", { wasmPaths: "/ort-files" });
          return await gliner.predictEntities(text, labels, options);
        } finally {
          gliner.terminate();
        }
      },
      { text: TEXT, labels: LABELS, options: OPTIONS },
    );
    assertSameEntities([entities], [nodeSpan], "wasm from wasmPaths vs Node");
    const wasm = server.requests.slice(from).filter((p) => p.endsWith(".wasm"));
    assert.deepEqual(wasm, ["/ort-files/ort-wasm-simd-threaded.wasm"]);
  });

  test("web.js runs GLiNER on the page; WebGPU only where it exists", async () => {
    const run = await page.evaluate(
      async ({ webUrl, text, labels, options }) => {
        const { GLiNER, isGlinerError } = (await import(webUrl)) as WebEntry;
        const model = await GLiNER.fromPretrained("/models/token-level");
        const entities = await model.predictEntities(text, labels, options);
        const wasmBackend = model.backend;
        await model.dispose();
        const adapter = await (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter().catch(() => null);
        const attempt = async (device: string) => {
          try {
            const m = await GLiNER.fromPretrained("/models/token-level", { device: device as "auto" });
            await m.dispose();
            return m.backend;
          } catch (error) {
            return { code: isGlinerError(error) ? error.code : "not a GlinerError", message: (error as Error).message };
          }
        };
        return { entities, wasmBackend, hasAdapter: adapter !== null && adapter !== undefined, auto: await attempt("auto"), webgpu: await attempt("webgpu"), bogus: await attempt("gpu") };
      },
      { webUrl: "/web/web.js", text: TEXT, labels: LABELS, options: OPTIONS },
    );
    const node = await GLiNER.fromPretrained(TOKEN_MODEL);
    const expected = await node.predictEntities(TEXT, LABELS, OPTIONS);
    await node.dispose();
    assert.ok(expected.length > 0);
    assertSameEntities([run.entities], [expected], "web.js on the page vs Node");
    assert.equal(run.wasmBackend, "wasm");
    assert.deepEqual(run.bogus, { code: "INVALID_INPUT", message: 'Unknown device "gpu"; use "wasm", "webgpu" or "auto".' });
    if (run.hasAdapter) {
      assert.equal(run.auto, "webgpu");
      assert.equal(run.webgpu, "webgpu");
    } else {
      // Headless Chromium without a GPU: "auto" falls back, an explicit "webgpu" says why it cannot.
      assert.equal(run.auto, "wasm");
      assert.equal((run.webgpu as { code: string }).code, "MODEL_LOAD");
      assert.match((run.webgpu as { message: string }).message, /WebGPU was asked for.*device: "auto"/);
    }
  });
});

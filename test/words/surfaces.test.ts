/** `wordSplitter` on every surface: the server's task routes, the CLI flag, and the same words as the library. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Entity, GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { jsonLines, runCli } from "../helpers/cli.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { post } from "../server/helpers.js";

const CHINESE = "马云在杭州创立了阿里巴巴集团，总部位于中国浙江省。";
const LABELS = ["person", "organization", "location"];

describe("wordSplitter over HTTP and the CLI", () => {
  let model: GLiNER;
  let app: GlinerApp;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
    app = await createApp(model, { processMetrics: false });
  });
  after(async () => {
    await app.close();
    await model.dispose();
  });

  test("POST /v1/ner and a multitask route take wordSplitter and answer as the library", async () => {
    const options = { threshold: 0.05, wordSplitter: "auto" } as const;
    const { status, body } = await post<{ entities: Entity[] }>(app, "/v1/ner", { text: CHINESE, labels: LABELS, ...options });
    assert.equal(status, 200);
    assert.deepEqual(body.entities, await model.predictEntities(CHINESE, LABELS, options));
    assert.ok(body.entities.some((e) => e.text.length < 14 && /\p{scx=Han}/u.test(e.text)), "a span inside a Chinese run");
    const summary = await post(app, "/v1/summarize", { text: CHINESE, threshold: 0.05, wordSplitter: "intl:zh" });
    assert.equal(summary.status, 200);
    const library = await model.summarize(CHINESE, { threshold: 0.05, wordSplitter: "intl:zh" });
    assert.deepEqual(summary.body, library);
    assert.notDeepEqual(library, await model.summarize(CHINESE, { threshold: 0.05 }), "the splitter reaches the prompted task");
  });

  test("a bad wordSplitter is a 400 that names the field", async () => {
    const { status, body } = await post<{ message: string }>(app, "/v1/ner", { text: CHINESE, labels: LABELS, wordSplitter: "jieba" });
    assert.equal(status, 400);
    assert.match(body.message, /wordSplitter/);
  });

  test("gliner-ts ner --word-splitter auto gives the library's entities; a bad name is exit 2 in one line", async () => {
    const ok = await runCli(["ner", CHINESE, "-l", LABELS.join(","), "-t", "0.05", "-m", SPAN_MODEL, "--word-splitter", "auto"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(jsonLines(ok.stdout), [{ entities: await model.predictEntities(CHINESE, LABELS, { threshold: 0.05, wordSplitter: "auto" }) }]);
    const bad = await runCli(["ner", CHINESE, "-l", "person", "-m", SPAN_MODEL, "--word-splitter", "jieba"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^gliner-ts: .*wordSplitter.*"whitespace", "intl" or "auto"/m);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });
});

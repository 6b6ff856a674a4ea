/**
 * The page's Schema task (GLiNER2) in headless Chromium: with `serve --gliner2`, the task appears, runs the
 * schema from its JSON box, highlights every span of the library's result and draws one arrow per relation.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { GLiNER, GLiNER2, type SpanValue } from "../../src/node.js";
import { type RunningServer, serve } from "../../src/server/serve.js";
import { chromiumPath, launchChromium } from "../browser/setup.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { GLINER2_MODEL } from "../gliner2/golden-helpers.js";

const OUTPUT = fileURLToPath(new URL("../../test-output/", import.meta.url));
const chromium = chromiumPath();

describe("web page: Schema task (GLiNER2)", { skip: "skip" in chromium ? chromium.skip : false }, () => {
  let gliner2: GLiNER2;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    gliner2 = await GLiNER2.fromPretrained(GLINER2_MODEL);
    server = await serve(GLiNER.fromPretrained(SPAN_MODEL), { port: 0, processMetrics: false, gliner2 });
    browser = await launchChromium((chromium as { path: string }).path);
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.addInitScript("globalThis.__name = (target) => target;");
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]");
  });
  after(async () => {
    await browser?.close();
    await server?.close(); // disposes both models
  });

  test("the schema's spans are highlighted, relations drawn, the rest listed", async () => {
    await page.click("#tasks button[data-task=schema]");
    assert.ok(JSON.parse(await page.inputValue("textarea[name=schema]")), "the box starts with an example schema");
    // A schema on which the random-weight fixture model finds entities, structures and a relation at 0.3.
    const schema = { entities: ["person", "location"], classifications: { topic: ["technology", "finance"] }, structures: { event: ["who::str", "where::str"] }, relations: ["ceo_of", "based_in"] };
    await page.fill("textarea[name=schema]", JSON.stringify(schema));
    await page.$eval("#threshold", (input) => {
      (input as HTMLInputElement).value = "0.3";
      input.dispatchEvent(new Event("input"));
    });
    await page.click("#run");
    await page.waitForSelector(".status.ok");
    const text = await page.inputValue("#text");
    const result = await gliner2.extract(text, schema, { threshold: 0.3, includeConfidence: true, includeSpans: true });
    const expected = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value !== null && typeof value === "object") {
        const span = value as SpanValue;
        if (typeof span.start === "number" && typeof span.end === "number") expected.add(`${span.start}:${span.end}`);
        else Object.values(value).forEach(collect);
      }
    };
    collect(result);
    assert.ok(expected.size > 0, "the fixture model finds spans at 0.3");
    const keys = await page.$$eval("#doc mark.span", (ms) => ms.map((m) => (m as HTMLElement).dataset.key ?? ""));
    // Every span has its mark; a span crossing another is drawn in two pieces (the second keyed by where it resumes).
    for (const key of expected) assert.ok(keys.includes(key), `${key} is highlighted`);
    const spans = [...expected].map((k) => k.split(":").map(Number) as [number, number]);
    for (const key of keys) {
      const [start, end] = key.split(":").map(Number) as [number, number];
      assert.ok(spans.some(([s, e]) => s <= start && end === e), `${key} is a span of the result or its second piece`);
    }
    const relations = Object.values((result["relation_extraction"] ?? {}) as Record<string, unknown[]>).flat().length;
    assert.equal(await page.$$eval(".arrow", (gs) => gs.length), relations);
    await page.click('.tabs button[data-view="json"]');
    assert.deepEqual(JSON.parse((await page.textContent("#view-json")) ?? "null"), { result });
    await page.click('.tabs button[data-view="visual"]');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, "server-page-schema.png"), fullPage: true });
  });

  test("a schema that is not JSON, or a bad one, is shown as an error", async () => {
    await page.fill("textarea[name=schema]", "{ entities: ");
    await page.click("#run");
    await page.waitForSelector(".status.error");
    assert.match((await page.textContent("#status")) ?? "", /not valid JSON/);
    await page.fill("textarea[name=schema]", JSON.stringify({ structures: { order: ["id", "id::str"] } }));
    await page.click("#run");
    await page.waitForSelector(".status.error");
    assert.match((await page.textContent("#status")) ?? "", /twice/);
    assert.deepEqual(pageErrors, []);
  });
});

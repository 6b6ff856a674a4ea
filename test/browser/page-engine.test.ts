/**
 * The server's web page with "run in: browser": the project server serves dist-web/ under /web/ and the model's
 * files under /model/; the page's browser engine (web/page-engine.ts) must answer every task route the server
 * lists with the server's own JSON (numbers within 1e-5), and a run in browser mode must not call the server.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { GLiNER } from "../../src/node.js";
import { type RunningServer, serve } from "../../src/server/serve.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { chromiumPath, DIST_WEB, ensureWebBuild, launchChromium } from "./setup.js";

type EngineModule = typeof import("../../src/web/page-engine.js");

const TEXT =
  "Apple CEO Tim Cook unveiled the iPhone 15 at the Steve Jobs Theater in Cupertino on September 12, 2023. " +
  "Analysts at Goldman Sachs called the launch a solid step, while Samsung shares fell 2% in Seoul.";

/** One request per task route; a route the server gains without an entry here fails the test. */
const REQUESTS: Record<string, Record<string, unknown>> = {
  ner: { text: TEXT, labels: ["person", "organization", "location", "date", "product"], threshold: 0.35 },
  relations: { text: TEXT, relations: ["CEO of", "located in"], entityLabels: ["person", "organization", "location"], entityThreshold: 0.3, relationThreshold: 0.3 },
  qa: { text: TEXT, question: "Who unveiled the iPhone 15?", threshold: 0.2 },
  summarize: { text: TEXT, threshold: 0.2 },
  classify: { text: TEXT, classes: ["technology", "sports", "finance"], threshold: 0.3, multiLabel: true },
  extract: { text: TEXT, instruction: "Find every product name:", threshold: 0.3 },
  sentiment: { text: TEXT, threshold: 0.3 },
  keyphrases: { text: TEXT, threshold: 0.3, topK: 5 },
};

/** Equal JSON, except that numbers may differ by 1e-5 (WASM and native kernels round differently). */
function assertCloseJson(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === "number" && typeof actual === "number") {
    assert.ok(Math.abs(actual - expected) <= 1e-5, `${path}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((item, i) => assertCloseJson(actual[i], item, `${path}[${i}]`));
  } else if (typeof expected === "object" && expected !== null) {
    assert.ok(typeof actual === "object" && actual !== null, `${path}: not an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [key, value] of Object.entries(expected)) assertCloseJson((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

const chromium = chromiumPath();

describe("server page: run in browser", { skip: "skip" in chromium ? chromium.skip : false }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const posts: string[] = [];

  before(async () => {
    ensureWebBuild();
    server = await serve(GLiNER.fromPretrained(SPAN_MODEL), { port: 0, processMetrics: false, webDir: DIST_WEB });
    browser = await launchChromium((chromium as { path: string }).path);
    page = await browser.newPage();
    await page.addInitScript("globalThis.__name = (target) => target;");
    page.on("pageerror", (error) => console.error(`# page error: ${error.message}`));
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(new URL(request.url()).pathname);
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]");
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("every task route: the browser engine's JSON equals the server's", async () => {
    const info = (await (await fetch(`${server.url}/v1/model`)).json()) as { tasks: string[]; files?: string };
    assert.equal(info.files, "./model/", "the server must serve the folder model's files for the browser");
    assert.deepEqual([...info.tasks].sort(), Object.keys(REQUESTS).sort(), "a task route without a request in this test");
    const expected: Record<string, unknown> = {};
    for (const task of info.tasks) {
      const res = await fetch(`${server.url}/v1/${task}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(REQUESTS[task]) });
      assert.equal(res.status, 200, `${task}: ${await res.clone().text()}`);
      expected[task] = await res.json();
    }
    const inBrowser = await page.evaluate(
      async ({ tasks, requests }) => {
        const { createEngine } = (await import("/web/page-engine.js" as string)) as EngineModule;
        const model = await (await fetch("./v1/model")).json();
        const engine = createEngine({ model, baseUrl: new URL("./", document.baseURI).href });
        if (engine === undefined) throw new Error("no browser engine for this model");
        const answers: Record<string, unknown> = {};
        for (const task of tasks) answers[task] = await engine.run(task, requests[task] as Record<string, unknown>);
        const unknownTask = await engine.run("translate", { text: "x" }).then(() => "answered", (e: Error) => e.message);
        await engine.dispose();
        return { answers, unknownTask };
      },
      { tasks: info.tasks, requests: REQUESTS },
    );
    let numbers = 0;
    for (const task of info.tasks) {
      assertCloseJson(inBrowser.answers[task], expected[task], task);
      numbers += JSON.stringify(expected[task]).match(/"score":/g)?.length ?? 0;
    }
    assert.ok(numbers >= 10, `only ${numbers} scored items across the tasks: the comparison needs results`);
    assert.match(inBrowser.unknownTask, /^unknown task "translate"; choose one of: ner, /);
  });

  test("the page's browser switch runs NER with no request to the server", async () => {
    const button = page.locator('.switch button[data-engine="browser"]');
    assert.equal(await button.isDisabled(), false, "the browser switch stays off although /web/page-engine.js is served");
    await button.click();
    posts.length = 0;
    await page.click("#run");
    await page.waitForSelector(".status.ok, .status.error", { timeout: 120_000 });
    const status = (await page.textContent("#status")) ?? "";
    assert.match(status, /on the browser/, status);
    assert.deepEqual(posts, [], "browser mode must not call the server");
    const shown = JSON.parse((await page.evaluate(() => document.querySelector("#view-json")?.textContent)) ?? "null") as { entities: unknown[] };
    const text = await page.inputValue("#text");
    const labels = await page.$$eval(".chips[data-name=labels] .chip", (chips) => chips.map((c) => (c.firstChild?.textContent ?? "").trim()));
    const threshold = Number(await page.inputValue("#threshold"));
    const res = await fetch(`${server.url}/v1/ner`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text, labels, threshold }) });
    assertCloseJson(shown, await res.json(), "page NER");
  });
});

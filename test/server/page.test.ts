/**
 * The web page in a real browser: headless Chromium (playwright-core) loads `/` from a listening server, runs
 * NER on the fixture model, and the highlighted spans and their labels must be the library's entities.
 * A screenshot goes to test-output/server-page.png.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { GLiNER } from "../../src/node.js";
import { getTaskSpec } from "../../src/tasks/registry.js";
import { type RunningServer, serve } from "../../src/server/serve.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

const OUTPUT = fileURLToPath(new URL("../../test-output/", import.meta.url));
const THRESHOLD = 0.35;

/** Chromium from GLINER_TEST_CHROMIUM (set by CI: then it must exist) or /usr/bin/chromium. */
function chromiumPath(): string | undefined {
  const configured = process.env.GLINER_TEST_CHROMIUM;
  const candidate = configured ?? "/usr/bin/chromium";
  if (existsSync(candidate)) return candidate;
  if (configured !== undefined) throw new Error(`GLINER_TEST_CHROMIUM=${configured} does not exist; install chromium or fix the variable.`);
  console.log(`# skipping the page test: no chromium at ${candidate} (set GLINER_TEST_CHROMIUM to run it)`);
  return undefined;
}

interface MarkInfo {
  key: string;
  tags: string;
  text: string;
  tip: string;
}

const executablePath = chromiumPath();

describe("web page in Chromium", { skip: executablePath === undefined }, () => {
  let model: GLiNER;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
    server = await serve(model, { port: 0, processMetrics: false });
    browser = await chromium.launch({ executablePath: executablePath as string, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // tsx compiles the functions given to page.evaluate with esbuild's keepNames, which calls __name().
    await page.addInitScript("globalThis.__name = (target) => target;");
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]");
  });
  after(async () => {
    await browser?.close();
    await server?.close(); // disposes the model
  });

  test("NER: the highlighted spans and labels are the library's entities", async () => {
    const text = await page.inputValue("#text");
    const labels = await page.$$eval(".chips[data-name=labels] .chip", (chips) => chips.map((c) => (c.firstChild?.textContent ?? "").trim()));
    assert.deepEqual(labels, ["person", "organization", "location", "date", "product"]);
    await page.$eval("#threshold", (input, value) => {
      (input as HTMLInputElement).value = String(value);
      input.dispatchEvent(new Event("input"));
    }, THRESHOLD);
    await page.click("#run");
    await page.waitForSelector(".status.ok");

    const expected = await model.predictEntities(text, labels, { threshold: THRESHOLD });
    assert.ok(expected.length >= 3, `the fixture model finds ${expected.length} entities; pick a lower threshold`);
    const marks = await page.$$eval("#doc mark.span", (nodes) =>
      nodes.map((m) => ({
        key: (m as HTMLElement).dataset.key ?? "",
        tags: m.querySelector(":scope > .tag")?.textContent ?? "",
        text: [...m.childNodes].filter((n) => !(n instanceof HTMLElement && n.classList.contains("tag"))).map((n) => n.textContent).join(""),
        tip: (m as HTMLElement).dataset.tip ?? "",
      })),
    );
    assert.equal(marks.length, expected.length);
    expected.forEach((entity, i) => {
      const mark = marks[i] as MarkInfo;
      assert.equal(mark.key, `${entity.start}:${entity.end}`);
      assert.equal(mark.text, entity.text);
      assert.equal(mark.tags, entity.label);
      assert.equal(mark.tip, `${entity.label} · ${entity.score.toFixed(3)}`);
    });
    // The text between the marks is the input, unchanged.
    const shown = await page.$eval("#doc", (doc) => {
      const clone = doc.cloneNode(true) as HTMLElement;
      clone.querySelectorAll(".tag").forEach((t) => t.remove());
      return clone.textContent;
    });
    assert.equal(shown, text);
    // One colour per label: marks of the same label share it, different labels differ.
    const colours = await page.$$eval("#doc mark.span", (nodes) => nodes.map((m) => (m as HTMLElement).style.getPropertyValue("--c")));
    const byLabel = new Map<string, Set<string>>();
    expected.forEach((e, i) => byLabel.set(e.label, (byLabel.get(e.label) ?? new Set()).add(colours[i] as string)));
    for (const set of byLabel.values()) assert.equal(set.size, 1);
    assert.equal(new Set([...byLabel.values()].map((s) => [...s][0])).size, byLabel.size);

    mkdirSync(OUTPUT, { recursive: true });
    await page.hover("#doc mark.span");
    assert.equal(await page.isVisible("#tooltip"), true, "the score shows on hover");
    const [tip, status] = await Promise.all([box(page, "#tooltip"), box(page, "#status")]);
    assert.ok(!intersects(tip, status), `the tooltip ${JSON.stringify(tip)} covers the status line ${JSON.stringify(status)}`);
    await page.screenshot({ path: join(OUTPUT, "server-page.png"), fullPage: true });
  });

  test("the JSON view shows the server's answer", async () => {
    await page.click('.tabs button[data-view="json"]');
    const json = JSON.parse((await page.textContent("#view-json")) ?? "null") as { entities: unknown[] };
    const text = await page.inputValue("#text");
    const labels = ["person", "organization", "location", "date", "product"];
    const expected = await model.predictEntities(text, labels, { threshold: THRESHOLD });
    assert.deepEqual(
      json.entities.map((e) => JSON.stringify(e)),
      expected.map((e) => JSON.stringify(e)),
    );
    await page.click('.tabs button[data-view="visual"]');
  });

  /** Picks a task, sets the threshold, runs it, and waits for the answer. */
  async function runTask(task: string, threshold: number): Promise<void> {
    await page.click(`#tasks button[data-task=${task}]`);
    await page.$eval("#threshold", (input, value) => {
      (input as HTMLInputElement).value = String(value);
      input.dispatchEvent(new Event("input"));
    }, threshold);
    await page.click("#run");
    await page.waitForSelector(".status.ok");
  }

  test("relations: one arrow per relation, from the highlighted source to the highlighted target", async () => {
    await runTask("relations", 0.3);
    const text = await page.inputValue("#text");
    const chips = (name: string) => page.$$eval(`.chips[data-name=${name}] .chip`, (cs) => cs.map((c) => (c.firstChild?.textContent ?? "").trim()));
    const expected = await model.extractRelations(text, {
      relations: await chips("relations"),
      entityLabels: await chips("entityLabels"),
      entityThreshold: 0.3,
      relationThreshold: 0.3,
    });
    assert.ok(expected.length > 0, "the fixture model links some relations at 0.3");
    const arrows = await page.$$eval(".arrow", (gs) => gs.map((g) => ({ index: (g as SVGElement).dataset.index, label: g.querySelector("text")?.textContent })));
    assert.deepEqual(arrows, expected.map((r, i) => ({ index: String(i), label: r.relation })));
    for (const r of expected) {
      for (const end of [r.source, r.target]) assert.ok(await page.$(`#doc mark[data-key="${end.start}:${end.end}"]`), `${end.text} is highlighted`);
    }
    assert.equal(await page.$$eval("#details li", (rows) => rows.length), expected.length);
    await page.hover("#details li:first-child");
    assert.equal(await page.$eval('.arrow[data-index="0"]', (g) => g.classList.contains("active")), true, "hovering a row picks out its arrow");
    await assertLabelsClearOfText(page);
    await page.screenshot({ path: join(OUTPUT, "server-page-relations.png"), fullPage: true });
  });

  test("question answering: the answers are highlighted in the text and listed", async () => {
    await runTask("qa", 0.3);
    const text = await page.inputValue("#text");
    const question = await page.inputValue("input[name=question]");
    const expected = await model.answer(question, text, { threshold: 0.3 });
    assert.ok(expected.length > 0);
    const keys = await page.$$eval("#doc mark.span", (ms) => ms.map((m) => (m as HTMLElement).dataset.key));
    assert.deepEqual(new Set(keys), new Set(expected.map((a) => `${a.start}:${a.end}`)));
    assert.deepEqual(await page.$$eval("#details li .main", (ms) => ms.map((m) => m.textContent)), expected.map((a) => a.text));
    await page.click("#tasks button[data-task=ner]");
  });

  test("empty labels: a hint in the page's words, and nothing is sent", async () => {
    await page.$$eval(".chips[data-name=labels] .chip-remove", (buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
    const posts: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => void (request.method() === "POST" && posts.push(request.url()));
    page.on("request", onRequest);
    await page.click("#run");
    await page.waitForSelector(".status.hint");
    page.off("request", onRequest);
    assert.equal(await page.textContent("#status"), "Labels: add at least one (type it in the box and press Enter).");
    assert.deepEqual(posts, []);
  });

  test("a server refusal is shown in plain words with the fix, not the API's wording", async () => {
    await page.fill(".chips[data-name=labels] input", `${"x".repeat(201)}\n`);
    await page.press(".chips[data-name=labels] input", "Enter");
    await page.click("#run");
    await page.waitForSelector(".status.error");
    const status = (await page.textContent("#status")) ?? "";
    assert.equal(status, "Labels #1 is longer than this server accepts (200 characters); shorten it.");
    await page.click(".chips[data-name=labels] .chip-remove");
    await page.fill(".chips[data-name=labels] input", "person,organization");
    await page.press(".chips[data-name=labels] input", "Enter");
  });

  test("empty text: a hint instead of \"0 entities\"; nothing found: what to try", async () => {
    const text = await page.inputValue("#text");
    await page.fill("#text", "   ");
    await page.click("#run");
    await page.waitForSelector(".status.hint");
    assert.equal(await page.textContent("#status"), "The text is empty: type or paste a text, then press Run.");
    const plain = "the of and";
    const labels = ["person", "organization"];
    assert.deepEqual(await model.predictEntities(plain, labels, { threshold: 0.5 }), [], "the fixture model finds nothing here");
    await page.fill("#text", plain);
    await page.$eval("#threshold", (input) => {
      (input as HTMLInputElement).value = "0.5";
      input.dispatchEvent(new Event("input"));
    });
    await page.click("#run");
    await page.waitForSelector(".status.ok");
    assert.equal(await page.$$eval("#doc mark.span", (m) => m.length), 0);
    assert.equal(await page.textContent("#details .empty"), "Nothing above the threshold 0.50: lower it, or change the labels, and run again.");
    await page.fill("#text", text);
    assert.deepEqual(pageErrors, []);
  });

  test("each task's threshold slider starts at the task registry's default (read from /openapi.json, no copy in the page)", async () => {
    for (const [task, field] of [["ner", "threshold"], ["summarize", "threshold"], ["relations", "entityThreshold"], ["qa", "threshold"]] as const) {
      await page.click(`#tasks button[data-task=${task}]`);
      const expected = (getTaskSpec(task).options.properties[field] as { default?: number }).default;
      assert.equal(typeof expected, "number", `${task}.${field} has a default in the registry`);
      assert.equal(Number(await page.inputValue("#threshold")), expected, task);
      assert.equal(await page.textContent("#threshold-value"), (expected as number).toFixed(2), task);
    }
    await page.click("#tasks button[data-task=ner]");

    // The page keeps no copy: a server whose document says otherwise moves the slider.
    const other = await browser.newPage();
    try {
      await other.addInitScript("globalThis.__name = (target) => target;");
      await other.route("**/openapi.json", async (route) => {
        const doc = (await (await route.fetch()).json()) as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: { properties: Record<string, { default?: number }> } }> } } }> };
        (doc.paths["/v1/summarize"]?.post.requestBody.content["application/json"]?.schema.properties["threshold"] as { default?: number }).default = 0.4;
        await route.fulfill({ json: doc });
      });
      await other.goto(`${server.url}/`);
      await other.waitForSelector("body[data-ready=true]");
      await other.click("#tasks button[data-task=summarize]");
      assert.equal(Number(await other.inputValue("#threshold")), 0.4);
    } finally {
      await other.close();
    }
  });

  for (const width of [360, 420]) {
    test(`phone width ${width} px: one-line title, nothing wider than the screen, relation labels clear of text`, async () => {
      const phone = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
      try {
        await phone.addInitScript("globalThis.__name = (target) => target;");
        await phone.goto(`${server.url}/`);
        await phone.waitForSelector("body[data-ready=true]");
        await phone.click("#tasks button[data-task=relations]");
        await phone.$eval("#threshold", (input) => {
          (input as HTMLInputElement).value = "0.3";
          input.dispatchEvent(new Event("input"));
        });
        await phone.click("#run");
        await phone.waitForSelector(".status.ok");
        assert.ok((await phone.$$eval(".arrow", (a) => a.length)) > 0, "arrows to check");
        await phone.screenshot({ path: join(OUTPUT, `server-page-phone-${width}.png`), fullPage: true });
        const layout = await phone.evaluate(() => {
          const name = document.querySelector(".topbar .name") as HTMLElement;
          return {
            scrollWidth: document.documentElement.scrollWidth,
            titleLines: name.getClientRects().length,
            titleHeight: name.getBoundingClientRect().height,
            widest: Math.max(...[...document.querySelectorAll(".topbar, .card, .card *")].map((e) => e.getBoundingClientRect().right)),
          };
        });
        assert.ok(layout.scrollWidth <= width, `the page scrolls sideways: ${layout.scrollWidth} px`);
        assert.equal(layout.titleLines, 1);
        assert.ok(layout.titleHeight < 30, `the title wraps: ${layout.titleHeight} px high`);
        assert.ok(layout.widest <= width + 0.5, `something reaches ${layout.widest} px`);
        await assertLabelsClearOfText(phone);
      } finally {
        await phone.close();
      }
    });
  }
});

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const intersects = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

async function box(page: Page, selector: string): Promise<Box> {
  return page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
}

/** No relation label covers a glyph of the text (the text's line boxes, marks and tags included). */
async function assertLabelsClearOfText(page: Page): Promise<void> {
  const { labels, lines } = await page.evaluate(() => {
    const rect = (r: DOMRect) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom });
    const range = document.createRange();
    range.selectNodeContents(document.querySelector("#doc") as Node);
    return {
      labels: [...document.querySelectorAll(".arrow text")].map((t) => ({ text: t.textContent ?? "", box: rect(t.getBoundingClientRect()) })),
      lines: [...range.getClientRects()].filter((r) => r.width > 0).map(rect),
    };
  });
  assert.ok(labels.length > 0);
  for (const label of labels) {
    const covered = lines.find((line) => intersects(label.box, line));
    assert.equal(covered, undefined, `the label "${label.text}" ${JSON.stringify(label.box)} covers text at ${JSON.stringify(covered)}`);
  }
}

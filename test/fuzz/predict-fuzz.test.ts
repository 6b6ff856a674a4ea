/**
 * Seeded, bounded fuzzing (issue 16) of the library and the server with random unicode texts, hostile labels and
 * random (sometimes invalid) options. Every call either returns entities that satisfy the invariants or fails
 * with a typed GlinerError (over HTTP: a 4xx in the one error shape); never an untyped error, never a 5xx.
 * Reproducible: GLINER_FUZZ_SEED picks the seed (default 16), GLINER_FUZZ_CALLS the calls per model (default
 * 2000); the run also stops after GLINER_FUZZ_SECONDS (default 25) per model, so it stays about a minute.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Entity, GLiNER, isGlinerError } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";

const SEED = Number(process.env["GLINER_FUZZ_SEED"] ?? 16);
const CALLS = Number(process.env["GLINER_FUZZ_CALLS"] ?? 2000);
const SECONDS = Number(process.env["GLINER_FUZZ_SECONDS"] ?? 25);

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "Bill", "Gates", "Microsoft", "Paris", "1975", "Apple's", "e-mail", "U.S.A.", "naïve", "Zürich", "東京", "タワー",
  "北京市", "สวัสดี", "مرحبا", "שלום", "Привет", "🏛️", "👩‍👩‍👧", "🇫🇷", "e\u0301", "\u200b", "\ufeff", "\ud800", "\udfff",
  "<<ENT>>", "[SEP]", "{}", "\\", "\"", "\u0000", "a".repeat(60),
];
const SPACES = [" ", " ", " ", "  ", "\t", "\n", "\u3000", "\u00a0", "\r\n", ""];
const LABELS = [
  "person", "organization", "location", "date", "constructor", "__proto__", "toString", "hasOwnProperty", "valueOf",
  "isPrototypeOf", "Person", "person", "organisation <> founder", "場所", "🏛️", " spaced ", "l".repeat(80),
];
/** Labels every call must refuse. */
const BAD_LABELS = ["<<ENT>>", "x<<SEP>>", "[CLS]", "", "   "];

type Pick = <T>(items: readonly T[]) => T;

function makeCase(next: () => number) {
  const pick: Pick = (items) => items[Math.floor(next() * items.length)] as (typeof items)[number];
  const words = Math.floor(next() ** 2 * 120);
  let text = "";
  for (let i = 0; i < words; i++) text += pick(PIECES) + pick(SPACES);
  const labels = Array.from({ length: 1 + Math.floor(next() * 5) }, () => (next() < 0.04 ? pick(BAD_LABELS) : pick(LABELS)));
  const options: Record<string, unknown> = {};
  const roll = next();
  options["threshold"] = roll < 0.9 ? 0.05 + next() * 0.9 : pick([0, 1, -0.5, Number.NaN, "0.5", null, 1e-9]);
  if (next() < 0.5) options["flatNer"] = next() < 0.9 ? next() < 0.5 : "yes";
  if (next() < 0.3) options["multiLabel"] = next() < 0.5;
  if (next() < 0.2) options["batchSize"] = pick([1, 2, "auto", 0, -1, 2.5]);
  if (next() < 0.1) options["labelThresholds"] = { [pick(LABELS)]: pick([0.4, 0.6, 2]) };
  return { text, labels, options };
}

/** The invariants of a successful result. */
function checkEntities(entities: readonly Entity[], c: ReturnType<typeof makeCase>, where: string): void {
  const threshold = c.options["threshold"] as number;
  const perLabel = (c.options["labelThresholds"] ?? {}) as Record<string, number>;
  for (const e of entities) {
    assert.ok(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end <= c.text.length && e.start < e.end, `${where}: bounds`);
    assert.equal(c.text.slice(e.start, e.end), e.text, `${where}: text.slice`);
    assert.ok(c.labels.includes(e.label), `${where}: label ${e.label} not asked for`);
    const bar = Object.hasOwn(perLabel, e.label) ? (perLabel[e.label] as number) : threshold;
    assert.ok(e.score > bar && e.score < 1, `${where}: score ${e.score} vs threshold ${bar}`);
  }
  if (c.options["flatNer"] !== false) {
    const sorted = [...entities].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1] as Entity;
      const current = sorted[i] as Entity;
      const sameSpan = previous.start === current.start && previous.end === current.end;
      assert.ok(current.start >= previous.end || (sameSpan && c.options["multiLabel"] === true), `${where}: flat overlap`);
    }
  }
}

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`fuzz (${dir.split("/").pop()}, seed ${SEED})`, () => {
    let model: GLiNER;
    let app: GlinerApp;
    before(async () => {
      model = await GLiNER.fromPretrained(dir);
      app = await createApp(model, { processMetrics: false, logger: false });
    });
    after(async () => {
      await app.close();
      await model.dispose();
    });

    test("library and server: typed errors only, no 5xx, every invariant holds", async () => {
      const next = random(SEED + (dir === TOKEN_MODEL ? 1 : 0));
      const deadline = performance.now() + SECONDS * 1000;
      const tally = { calls: 0, ok: 0, typed: 0, http4xx: 0, entities: 0 };
      for (let i = 0; i < CALLS && performance.now() < deadline; i++) {
        const c = makeCase(next);
        const where = `case ${i} ${JSON.stringify(c).slice(0, 300)}`;
        tally.calls++;
        let library: Entity[] | undefined;
        try {
          library = await model.predictEntities(c.text, c.labels, c.options);
          checkEntities(library, c, `${where} (library)`);
          tally.ok++;
          tally.entities += library.length;
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          assert.ok(isGlinerError(error), `${where}: untyped ${(error as Error)?.stack ?? String(error)}`);
          tally.typed++;
        }
        const response = await app.inject({ method: "POST", url: "/v1/ner", payload: { text: c.text, labels: c.labels, ...c.options } });
        assert.ok(response.statusCode < 500, `${where}: HTTP ${response.statusCode} ${response.body}`);
        const body = response.json() as { entities?: Entity[]; code?: string; statusCode?: number };
        if (response.statusCode === 200) {
          checkEntities(body.entities ?? [], c, `${where} (server)`);
          if (library !== undefined) assert.deepEqual(body.entities, library, `${where}: server and library differ`);
        } else {
          tally.http4xx++;
          assert.deepEqual(Object.keys(body), ["statusCode", "code", "error", "message"], `${where}: error shape`);
        }
      }
      console.log(`fuzz ${dir.split("/").pop()}: ${JSON.stringify(tally)}`);
      assert.ok(tally.ok > 0 && tally.typed > 0, "the generator covers both valid and invalid calls");
    });
  });
}

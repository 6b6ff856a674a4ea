/**
 * Worst-case decoding: `npx tsx bench/decode-worst.ts [--words 900,20000] [--modes flat,nested]
 * [--model token-level] [--out bench/results/decode-worst.json]`.
 *
 * The token model (test/fixtures/models, no ../shared needed) on `"Bill Gates founded Microsoft in Seattle with
 * Paul Allen. "` repeated to the word count, 3 labels, `threshold: 1e-9`: nearly every start × end pair passes,
 * the most candidates a text can produce. Reported per case: wall time of the whole call, candidates are not
 * visible from the API so the entity count is reported instead. A run at `threshold: 0.5` in the same process is
 * the peer: the ratio worst/peer says how much the threshold alone costs. Timings on a shared machine are noisy.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GLiNER } from "../src/node.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    words: { type: "string", default: "900,20000" },
    modes: { type: "string", default: "flat,nested" },
    model: { type: "string", default: "token-level" },
    out: { type: "string", default: join(ROOT, "bench", "results", "decode-worst.json") },
  },
});

const SENTENCE = "Bill Gates founded Microsoft in Seattle with Paul Allen. ";
const LABELS = ["person", "organization", "location"];
const model = await GLiNER.fromPretrained(join(ROOT, "test", "fixtures", "models", values.model));

interface Row { words: number; mode: string; threshold: number; seconds: number; entities: number; error?: string }
const rows: Row[] = [];
for (const words of values.words.split(",").map(Number)) {
  const text = SENTENCE.repeat(Math.ceil(words / 10));
  for (const mode of values.modes.split(",")) {
    for (const threshold of [0.5, 1e-9]) {
      const started = performance.now();
      let entities = 0;
      let error: string | undefined;
      try {
        entities = (await model.predictEntities(text, LABELS, { threshold, flatNer: mode === "flat" })).length;
      } catch (e) {
        error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      const row: Row = { words, mode, threshold, seconds: (performance.now() - started) / 1000, entities, ...(error ? { error } : {}) };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
}
await model.dispose();
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ model: values.model, machine: "shared, noisy", rows }, null, 2)}\n`);

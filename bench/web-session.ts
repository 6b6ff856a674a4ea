/**
 * onnxruntime-web session settings in headless Chromium: `npx tsx bench/web-session.ts [--shared <dir>]
 * [--rounds 4] [--texts 8]`. Needs Chromium (GLINER_TEST_CHROMIUM or /usr/bin/chromium) and bench-xsmall from
 * the shared folder (bench/setup.ts). On a cross-origin isolated page, one Web Worker per variant (ORT reads its
 * thread count once per worker) loads the model; rounds run the variants interleaved on the same texts, each a
 * `batchPredictEntities` of `--texts` texts of ~110 words, 5 labels, batch 8. Prints each variant's median ms
 * and the median of its per-round time ratios to the first (the defaults): the measurements behind the browser
 * defaults of src/runtime/session-defaults.ts.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromiumPath, openBrowserTestPage } from "../test/browser/setup.js";
import { announce, BenchSetupError, requireShared } from "./setup.js";

const { values } = parseArgs({ options: { shared: { type: "string" }, rounds: { type: "string", default: "4" }, texts: { type: "string", default: "8" } } });
const VARIANTS: { name: string; load: Record<string, unknown> }[] = [
  { name: "defaults (1 thread here, arena off)", load: { numThreads: 1 } },
  { name: "arena + memory pattern on", load: { numThreads: 1, session: { enableCpuMemArena: true, enableMemPattern: true } } },
  { name: "2 threads", load: { numThreads: 2 } },
];
const PARAGRAPH =
  "Apple CEO Tim Cook unveiled the iPhone 15 at the Steve Jobs Theater in Cupertino on September 12, 2023. " +
  "Analysts at Goldman Sachs called the launch a solid step, while Samsung shares fell 2% in Seoul. ";

const found = chromiumPath();
if ("skip" in found) throw new BenchSetupError(`${found.skip}. Nothing was measured.`);
const model = join(requireShared(values.shared, "bench-xsmall"), "fixtures", "bench-xsmall");
announce("model", model);
const texts = Array.from({ length: Number(values.texts) }, (_, i) => `${PARAGRAPH.repeat(3)}Item ${i}.`);
const opened = await openBrowserTestPage(found.path, { isolated: true, mounts: { "/bench/": model } });
try {
  const run = await opened.page.evaluate(
    async ({ variants, texts, rounds }) => {
      const client = (await import("/web/client.js" as string)) as typeof import("../src/web/client.js");
      const labels = ["person", "organization", "location", "date", "product"];
      const workers = [];
      for (const v of variants) {
        const worker = client.createGlinerWorker();
        await worker.load("/bench/", v.load);
        await worker.batchPredictEntities(texts.slice(0, 2), labels); // warm-up
        workers.push(worker);
      }
      const ms: number[][] = variants.map(() => []);
      for (let r = 0; r < rounds; r++) {
        for (const [i, worker] of workers.entries()) {
          const start = performance.now();
          await worker.batchPredictEntities(texts, labels, { batchSize: 8 });
          ms[i]?.push(performance.now() - start);
        }
      }
      for (const worker of workers) worker.terminate();
      return { ms, logicalCores: navigator.hardwareConcurrency, isolated: crossOriginIsolated };
    },
    { variants: VARIANTS, texts, rounds: Number(values.rounds) },
  );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const base = median(run.ms[0] ?? []);
  console.log(`Chromium, ${run.logicalCores} logical cores, cross-origin isolated: ${run.isolated}; ${texts.length} texts per run, ${values.rounds} interleaved rounds`);
  for (const [i, v] of VARIANTS.entries()) {
    const ms = run.ms[i] ?? [];
    // Paired per round (the variants ran back to back), so that load from other processes cancels out.
    const ratios = ms.map((x, r) => x / (run.ms[0]?.[r] ?? Number.NaN));
    console.log(
      `${v.name.padEnd(40)} median ${median(ms).toFixed(0)} ms (${(median(ms) / base).toFixed(2)}×); ` +
        `median per-round ratio to the defaults ${median(ratios).toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(", ")})`,
    );
  }
} finally {
  await opened.close();
}

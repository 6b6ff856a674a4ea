/** Medians over rounds and the printed tables of `npm run bench` (bench/throughput.ts). */
import { median, quantile } from "./setup.js";
import type { VariantResult } from "./variant.js";

export interface Summary {
  textsPerSec: number;
  wordsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  /** Throughput as a share of the raw floor's (replayed session runs); null with worker threads. */
  ofRawFloor: number | null;
  outsideRunShare: number | null;
  cpuSecondsPerText: number;
  peakRssMB: number;
  sessionRuns: number;
  entities: number;
  secondsPerRound: number[];
}

export function summarize(results: VariantResult[], texts: string[]): Summary {
  const seconds = median(results.map((r) => r.seconds));
  const words = texts.reduce((n, t) => n + t.split(" ").length, 0);
  const latencies = results.flatMap((r) => r.latenciesMs);
  const timed = results.every((r) => r.floorSeconds !== null);
  return {
    textsPerSec: texts.length / seconds,
    wordsPerSec: words / seconds,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
    ofRawFloor: timed ? median(results.map((r) => (r.floorSeconds as number) / r.seconds)) : null,
    outsideRunShare: timed ? median(results.map((r) => 1 - r.runSeconds / r.seconds)) : null,
    cpuSecondsPerText: median(results.map((r) => r.cpuSeconds)) / texts.length,
    peakRssMB: Math.max(...results.map((r) => r.peakRssMB)),
    sessionRuns: results[0]?.runs ?? 0,
    entities: results[0]?.entities ?? 0,
    secondsPerRound: results.map((r) => Number(r.seconds.toFixed(3))),
  };
}

interface PythonNumbers {
  /** texts/s per batch size, e.g. { "8": 8.3, "1": 5.1 }. */
  textsPerSec?: Record<string, number>;
  p50Ms?: number;
  [key: string]: unknown;
}

const pct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

export function printReport(report: { results: Record<string, Summary>; python: unknown; int8: { dtype: string; origin: string; quality: unknown } | null }): void {
  console.log("| variant | texts/s | words/s | p50 ms/text | p95 ms/text | of raw floor | outside session.run | CPU s/text | peak RSS MB |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, r] of Object.entries(report.results)) {
    console.log(
      `| ${name} | ${r.textsPerSec.toFixed(2)} | ${r.wordsPerSec.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${pct(r.ofRawFloor)} | ${pct(r.outsideRunShare)} | ${r.cpuSecondsPerText.toFixed(3)} | ${r.peakRssMB.toFixed(0)} |`,
    );
  }
  const python = report.python as PythonNumbers | null;
  if (python?.textsPerSec !== undefined) {
    console.log("");
    for (const [batch, tps] of Object.entries(python.textsPerSec)) {
      const ours = report.results[`ours:${batch}`];
      console.log(`Python gliner batch ${batch}: ${tps.toFixed(2)} texts/s${ours === undefined ? "" : `; ours:${batch} = ${(ours.textsPerSec / tps).toFixed(2)}x`}`);
    }
    if (python.p50Ms !== undefined) console.log(`Python p50 ${python.p50Ms.toFixed(1)} ms/text`);
  }
  if (report.int8 !== null) {
    const names = Object.keys(report.results);
    const fp32 = report.results[names.find((n) => n.startsWith("fp32 (")) ?? ""];
    const int8 = report.results[names.find((n) => n.startsWith(`${report.int8!.dtype} (`)) ?? ""];
    console.log("");
    if (fp32 !== undefined && int8 !== undefined) {
      console.log(`${report.int8.dtype} vs fp32 (${report.int8.origin}): ${(int8.textsPerSec / fp32.textsPerSec).toFixed(2)}x texts/s, p50 ${(fp32.p50Ms / int8.p50Ms).toFixed(2)}x`);
    }
    console.log(`agreement: ${JSON.stringify(report.int8.quality)}`);
  }
}

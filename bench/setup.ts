/**
 * Where the benchmarks' data and models come from, said out loud. The clone holds only the tiny test models;
 * the benchmark model (bench-xsmall) and the NER test sets live in the workplace's shared folder, found at
 * `--shared <dir>`, else `$GLINER_SHARED`, else `../shared` beside the clone. A benchmark that needs it and
 * does not find it stops with a message that says what is missing and how to point at it; nothing is silently
 * replaced by a smaller setup. Results are printed; they are written to a file only with `--out <file>`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export class BenchSetupError extends Error {}

/** The shared folder, or undefined when it is not there. An explicit location that does not exist is an error. */
export function findShared(flag: string | undefined): { dir: string; how: string } | undefined {
  const explicit: [string | undefined, string][] = [[flag, "--shared"], [process.env.GLINER_SHARED, "GLINER_SHARED"]];
  for (const [dir, how] of explicit) {
    if (dir === undefined) continue;
    if (!existsSync(dir)) throw new BenchSetupError(`${how} points at ${dir}, which does not exist.`);
    return { dir: resolve(dir), how };
  }
  const beside = join(ROOT, "..", "shared");
  if (existsSync(beside)) return { dir: beside, how: "../shared beside the clone" };
  if (existsSync("/work/shared")) return { dir: "/work/shared", how: "the workplace's /work/shared" };
  return undefined;
}

/** The shared folder, or a clear stop naming what `needs` it. */
export function requireShared(flag: string | undefined, needs: string): string {
  const found = findShared(flag);
  if (found === undefined) {
    throw new BenchSetupError(
      `This benchmark needs ${needs} from the workplace's shared folder (shared/fixtures, shared/data/ner), which is ` +
        `not in the clone. Point at it with --shared <dir> or GLINER_SHARED=<dir>. Nothing was measured.`,
    );
  }
  announce("shared folder", `${found.dir} (from ${found.how})`);
  return found.dir;
}

/** One line on stderr per input: what was used and where it came from. */
export function announce(what: string, where: string): void {
  console.error(`[bench] ${what}: ${where}`);
}

/** The sentences of every NER test set under `shared/data/ner`, set by set. */
export function nerSentences(shared: string): { sets: string[]; sentences: string[][] } {
  const dataDir = join(shared, "data", "ner");
  if (!existsSync(dataDir)) throw new BenchSetupError(`${dataDir} is missing: the corpus is built from the NER test sets there.`);
  const sets = readdirSync(dataDir).sort();
  const sentences = sets.map((name) =>
    readFileSync(join(dataDir, name, "test.jsonl"), "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { tokens: string[] }).tokens.join(" ")),
  );
  announce("corpus sentences", `${dataDir} (${sets.join(", ")})`);
  return { sets, sentences };
}

/** Sentences per text, cycled: lengths from one sentence (~10-30 words) to sixteen (~400 words). */
const SENTENCES_PER_TEXT = [1, 2, 1, 4, 1, 1, 8, 2, 1, 16];

/** `count` texts of mixed length from the NER test sets, each cut to `maxWords` words. */
export function benchCorpus(shared: string, count: number, maxWords: number): string[] {
  const { sentences: sets } = nerSentences(shared);
  const sentences: string[] = [];
  for (let i = 0; sentences.length < count * 6; i++) for (const set of sets) sentences.push(set[i % set.length] as string);
  const texts: string[] = [];
  for (let i = 0, next = 0; texts.length < count; i++) {
    const parts: string[] = [];
    for (let k = 0; k < (SENTENCES_PER_TEXT[i % SENTENCES_PER_TEXT.length] as number); k++) parts.push(sentences[next++ % sentences.length] as string);
    texts.push(parts.join(" ").split(" ").slice(0, maxWords).join(" "));
  }
  return texts;
}

/** A model folder given by flag, or the named shared fixture; announced either way. */
export function benchModel(flag: string | undefined, shared: () => string, fixture: string): string {
  if (flag !== undefined) {
    const dir = resolve(flag);
    if (!existsSync(join(dir, "gliner_config.json"))) throw new BenchSetupError(`--model ${flag}: no gliner_config.json in ${dir}.`);
    announce("model", `${dir} (--model)`);
    return dir;
  }
  const dir = join(shared(), "fixtures", fixture);
  if (!existsSync(dir)) throw new BenchSetupError(`${dir} is missing; give a model folder with --model <dir>.`);
  announce("model", `${dir} (shared fixture ${fixture})`);
  return dir;
}

export const median = (xs: number[]): number => quantile(xs, 0.5);
export function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return (sorted[lo] as number) + ((sorted[Math.ceil(pos)] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** Runs `main`; a setup problem is one clear line and exit 2, not a stack trace. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof BenchSetupError) {
      console.error(`bench: ${error.message}`);
      process.exit(2);
    }
    throw error;
  });
}

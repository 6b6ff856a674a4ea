/**
 * One input per registered task, written once for every surface that must answer it with the same bytes
 * (test/tasks/surfaces.test.ts in Node, test/browser/surfaces.test.ts in a real Web Worker): the task's input
 * fields, its options, and the same call as CLI flags and as `gliner-ts batch` settings.
 */
import type { BatchSettings } from "../../src/batch/tasks.js";

export const SURFACE_TEXT =
  "Bill Gates founded Microsoft in Albuquerque in 1975; the new phone has a wonderful screen but a terrible battery.";
const T = 0.2;

export interface SurfaceCase {
  /** Per-text input fields besides `text`. */
  readonly input: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  /** The same call as CLI flags. */
  readonly cli: string[];
  /** The same call as `gliner-ts batch` settings. */
  readonly batch: Partial<BatchSettings>;
}

const relations = ["founder", { relation: "located in", pairsFilter: [["organization", "location"]], distanceThreshold: 200 }];
/** Keyed by task name; test/tasks/surfaces.test.ts checks that every task of `TASK_SPECS` has one. */
export const SURFACE_CASES: Record<string, SurfaceCase> = {
  ner: { input: { labels: ["person", "organization"] }, options: { threshold: T }, cli: ["-l", "person,organization", "-t", `${T}`], batch: { labels: ["person", "organization"], threshold: T } },
  relations: {
    input: {},
    options: { relations, entityLabels: ["person", "organization", "location"], entityThreshold: T, relationThreshold: T },
    cli: ["-r", JSON.stringify(relations), "-e", "person,organization,location", "--entity-threshold", `${T}`, "--relation-threshold", `${T}`],
    batch: { relations: relations as BatchSettings["relations"], entityLabels: ["person", "organization", "location"], entityThreshold: T, relationThreshold: T },
  },
  qa: { input: { question: "Who founded Microsoft?" }, options: { threshold: T, topK: 3 }, cli: ["-q", "Who founded Microsoft?", "-t", `${T}`, "-k", "3"], batch: { question: "Who founded Microsoft?", threshold: T, topK: 3 } },
  summarize: { input: {}, options: { threshold: T }, cli: ["-t", `${T}`], batch: { threshold: T } },
  classify: {
    input: { classes: ["technology", "sports", "politics"] },
    options: { threshold: T, multiLabel: true },
    cli: ["-c", "technology,sports,politics", "--multi-label", "-t", `${T}`],
    batch: { classes: ["technology", "sports", "politics"], multiLabel: true, threshold: T },
  },
  extract: {
    input: { instruction: "Find every product:" },
    options: { labels: ["product", "company"], threshold: T },
    cli: ["--instruction", "Find every product:", "-l", "product,company", "-t", `${T}`],
    batch: { instruction: "Find every product:", labels: ["product", "company"], threshold: T },
  },
  sentiment: { input: {}, options: { threshold: T, polarities: ["positive", "negative"] }, cli: ["--polarities", "positive,negative", "-t", `${T}`], batch: { polarities: ["positive", "negative"], threshold: T } },
  keyphrases: { input: {}, options: { threshold: T, topK: 4 }, cli: ["-k", "4", "-t", `${T}`], batch: { threshold: T, topK: 4 } },
};

/** Argument checks and defaults of `predictRelations` / `batchPredictRelations` (the reference's `inference(..., relations=...)`). */
import { reportTruncation } from "../warnings.js";
import { GlinerError, InvalidInputError } from "../errors.js";
import type { LoadedModel } from "../model/load.js";
import { checkOneOf, checkPositiveInteger, checkTexts, checkThreshold, checkLabels, checkWordSplitter, describe, labelThresholds, rejectNullOptions } from "../validate.js";
import { predictRelexTexts, type RelexRequest, type RelexRunOptions, type RelexTextResult } from "./pipeline.js";
import type { RelationPredictOptions } from "./types.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

type LabelLists = readonly string[] | readonly (readonly string[])[];

export async function predictRelationsFor(
  model: LoadedModel,
  texts: readonly string[],
  labels: LabelLists,
  relations: LabelLists,
  options: RelationPredictOptions = {},
): Promise<RelexTextResult[]> {
  requireRelex(model, "predictRelations");
  const checked = checkTexts(texts);
  const run = runOptions(options);
  const requests = checked.map((text, i): RelexRequest =>
    relexRequest(
      text,
      checkLabels(perText(labels, i, checked.length, "labels"), listName(labels, i, "labels")),
      checkRelationLabels(perText(relations, i, checked.length, "relations"), listName(relations, i, "relations")),
      run.threshold,
      options.labelThresholds,
    ),
  );
  const results = await predictRelexTexts(model, requests, run);
  results.forEach((result, index) => reportTruncation(index, result, options.onTruncate));
  return results;
}

export function requireRelex(model: LoadedModel, method: string): void {
  if (model.config.relex === undefined) {
    throw new GlinerError(
      "UNSUPPORTED",
      `${method} needs a relex model (knowledgator/gliner-relex-*; this one is "${model.config.family}"). ` +
        `For other models use extractRelations, which builds relations from prompts.`,
    );
  }
}

/** One text's request: checked labels and relation labels, each label's entity threshold. */
export function relexRequest(text: string, labels: string[], relations: string[], threshold: number, perLabel: RelationPredictOptions["labelThresholds"]): RelexRequest {
  return { text, labels, relations, thresholds: labelThresholds(labels, { threshold, labelThresholds: perLabel }) };
}

export function runOptions(options: RelationPredictOptions): RelexRunOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidInputError("options", `options must be an object; got ${describe(options)}.`);
  }
  rejectNullOptions(options); // null is not "use the default"
  const threshold = checkThreshold(options.threshold ?? DEFAULT_THRESHOLD);
  return {
    threshold,
    relationThreshold: checkThreshold(options.relationThreshold ?? threshold, "relationThreshold"),
    adjacencyThreshold: checkThreshold(options.adjacencyThreshold ?? threshold, "adjacencyThreshold"),
    flatNer: options.flatNer ?? true,
    multiLabel: options.multiLabel ?? false,
    uniqueRelations: options.uniqueRelations ?? false,
    batchSize: options.batchSize === "auto" ? "auto" : checkPositiveInteger(options.batchSize ?? 8, "batchSize"),
    truncation: checkOneOf(options.truncation ?? "window", ["window", "truncate", "error"], "truncation"),
    window: options.window,
    overlap: options.overlap,
    wordSplitter: options.wordSplitter === undefined ? undefined : checkWordSplitter(options.wordSplitter),
    signal: options.signal,
  };
}

function isNested(lists: LabelLists): lists is readonly (readonly string[])[] {
  return lists.length > 0 && Array.isArray(lists[0]);
}

function perText(lists: LabelLists, index: number, count: number, name: string): unknown {
  if (!Array.isArray(lists)) return lists; // reported by the list check
  if (!isNested(lists)) return lists;
  if (lists.length !== count) {
    throw new InvalidInputError(name, `${name} has ${lists.length} lists but there are ${count} texts; give one list per text or one list for all.`);
  }
  return lists[index];
}

function listName(lists: LabelLists, index: number, name: string): string {
  return Array.isArray(lists) && isNested(lists) ? `${name}[${index}]` : name;
}

/** Relation labels: strings, de-duplicated keeping first order, case kept; an empty list is allowed. */
export function checkRelationLabels(relations: unknown, argument = "relations"): string[] {
  if (!Array.isArray(relations)) {
    throw new InvalidInputError(argument, `${argument} must be an array of relation labels, e.g. ["founder of", "works for"]; got ${describe(relations)}.`);
  }
  relations.forEach((r, i) => {
    if (typeof r !== "string" || r.trim() === "") {
      throw new InvalidInputError(argument, `${argument}[${i}] must be a non-empty string; got ${describe(r)}.`);
    }
  });
  return [...new Set(relations as string[])];
}

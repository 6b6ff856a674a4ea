/**
 * The seven multitask tasks for `gliner-ts batch`, over the same helpers as the `GLiNER` methods (src/tasks/),
 * batched. Record fields and result fields match `gliner-ts <task> --input`: a record may carry its own
 * `question`, `classes`, `instruction`, `labels`, `relations` or `entityLabels`; otherwise the run's flag is used.
 */
import { DEFAULT_ENTITY_LABELS } from "../../tasks/prompts.js";
import { checkRelations } from "../../tasks/relation-link.js";
import type { Polarity, RelationSpec, TaskRunOptions } from "../../tasks/types.js";
import { checkLabels } from "../../validate.js";
import { kindOf, RecordError } from "../documents.js";
import type { BatchSettings } from "../settings.js";
import { type BatchTask, defineTask } from "./define.js";
import { runGrouped, stringField, stringListField, textField } from "./fields.js";

const runOptions = (s: BatchSettings): TaskRunOptions => ({ batchSize: s.batchSize, truncation: s.truncation });
const threshold = (s: BatchSettings) => (s.threshold === undefined ? {} : { threshold: s.threshold });
const prompt = (s: BatchSettings) => (s.prompt === undefined ? {} : { prompt: s.prompt });
const topK = (s: BatchSettings) => (s.topK === undefined ? {} : { topK: s.topK });

interface RelationRequest {
  readonly text: string;
  readonly relations: readonly (string | RelationSpec)[];
  readonly entityLabels: readonly string[] | undefined;
}

const relations = defineTask<RelationRequest>({
  name: "relations",
  description: '{"text", "relations"?, "entityLabels"?} → {"relations": [{source, relation, target, score}]}',
  prepare(record, line, settings) {
    const own = record["relations"];
    if (own !== undefined && (!Array.isArray(own) || own.length === 0)) {
      throw new RecordError("INVALID_RECORD", `line ${line}: "relations" must be a non-empty array of names or {relation, ...} objects; got ${kindOf(own)}.`);
    }
    const list = (own as RelationRequest["relations"] | undefined) ?? settings.relations;
    if (list === undefined) {
      throw new RecordError("INVALID_RECORD", `line ${line} has no "relations" and the run has no --relations; add "relations": [...] to the line or pass --relations.`);
    }
    const entityLabels = stringListField(record, "entityLabels", line, settings.entityLabels, undefined);
    return { text: textField(record, line), relations: list, entityLabels };
  },
  run: (model, requests, s) =>
    runGrouped(
      requests,
      (r) => JSON.stringify([r.relations, r.entityLabels ?? null]),
      async (group) => {
        const first = group[0] as RelationRequest;
        const found = await model.run(
          "relations",
          group.map((r) => ({ text: r.text })),
          {
            ...runOptions(s),
            ...prompt(s),
            relations: first.relations,
            ...(first.entityLabels === undefined ? {} : { entityLabels: first.entityLabels }),
            ...(s.entityThreshold === undefined ? {} : { entityThreshold: s.entityThreshold }),
            ...(s.relationThreshold === undefined ? {} : { relationThreshold: s.relationThreshold }),
            flatNer: s.flatNer,
            multiLabel: s.multiLabel,
          },
        );
        return found.map((list) => ({ relations: list }));
      },
    ),
  checkSettings(s) {
    const entityLabels = checkLabels(s.entityLabels ?? DEFAULT_ENTITY_LABELS, "--entity-labels");
    if (s.relations !== undefined) checkRelations(s.relations, entityLabels);
  },
});

const qa = defineTask<{ text: string; question: string }>({
  name: "qa",
  description: '{"text", "question"?} → {"answers": [{text, start, end, score}]}',
  prepare: (record, line, s) => ({ text: textField(record, line), question: stringField(record, "question", line, s.question, "--question") }),
  run: async (model, requests, s) =>
    (await model.run("qa", requests, { ...runOptions(s), ...threshold(s), ...prompt(s), ...topK(s) })).map((answers) => ({ answers })),
});

const summarize = defineTask<string>({
  name: "summarize",
  description: '{"text"} → {"summary", "spans": [...]}',
  prepare: (record, line) => textField(record, line),
  run: async (model, texts, s) => (await model.run("summarize", texts.map((text) => ({ text })), { ...runOptions(s), ...threshold(s), ...prompt(s) })).map((summary) => ({ ...summary })),
});

const classify = defineTask<{ text: string; classes: readonly string[] }>({
  name: "classify",
  description: '{"text", "classes"?} → {"classifications": [{label, score}]}',
  prepare: (record, line, s) => ({ text: textField(record, line), classes: stringListField(record, "classes", line, s.classes, "--classes") as readonly string[] }),
  run: async (model, requests, s) =>
    (await model.run("classify", requests, { ...runOptions(s), ...threshold(s), ...prompt(s), multiLabel: s.multiLabel })).map((classifications) => ({ classifications })),
});

const extract = defineTask<{ text: string; instruction: string; labels: readonly string[] | undefined }>({
  name: "extract",
  description: '{"text", "instruction"?, "labels"?} → {"entities": [...]}',
  prepare: (record, line, s) => ({
    text: textField(record, line),
    instruction: stringField(record, "instruction", line, s.instruction, "--instruction"),
    labels: stringListField(record, "labels", line, s.labels, undefined),
  }),
  run: (model, requests, s) =>
    runGrouped(
      requests,
      (r) => JSON.stringify(r.labels ?? null),
      async (group) => {
        const labels = (group[0] as { labels: readonly string[] | undefined }).labels;
        const options = { ...runOptions(s), ...threshold(s), flatNer: s.flatNer, multiLabel: s.multiLabel, ...(labels === undefined ? {} : { labels }) };
        return (await model.run("extract", group.map(({ text, instruction }) => ({ text, instruction })), options)).map((entities) => ({ entities }));
      },
    ),
  checkSettings(s) {
    if (s.labels !== undefined) checkLabels(s.labels, "--labels");
  },
});

const sentiment = defineTask<string>({
  name: "sentiment",
  description: '{"text"} → {"sentiments": [{text, start, end, polarity, score}]}',
  prepare: (record, line) => textField(record, line),
  run: async (model, texts, s) => {
    const polarities = s.polarities === undefined ? {} : { polarities: s.polarities as readonly Polarity[] };
    return (await model.run("sentiment", texts.map((text) => ({ text })), { ...runOptions(s), ...threshold(s), ...prompt(s), ...polarities })).map((sentiments) => ({ sentiments }));
  },
});

const keyphrases = defineTask<string>({
  name: "keyphrases",
  description: '{"text"} → {"keyphrases": [{phrase, score, mentions}]}',
  prepare: (record, line) => textField(record, line),
  run: async (model, texts, s) =>
    (await model.run("keyphrases", texts.map((text) => ({ text })), { ...runOptions(s), ...threshold(s), ...prompt(s), ...topK(s) })).map((list) => ({ keyphrases: list })),
});

export const multitaskTasks: readonly BatchTask[] = [relations, qa, summarize, classify, extract, sentiment, keyphrases];

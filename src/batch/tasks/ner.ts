/** `--task ner`: `{"text", "labels"?}` → `{"entities": [...]}`, exactly `batchPredictEntities`. */
import type { PredictOptions } from "../../types.js";
import { checkLabels } from "../../validate.js";
import { defineTask } from "./define.js";
import { stringListField, textField } from "./fields.js";

interface NerRequest {
  readonly text: string;
  readonly labels: readonly string[];
}

export const nerTask = defineTask<NerRequest>({
  name: "ner",
  description: 'entities: {"text", "labels"?} → {"entities": [{start, end, text, label, score}]}',
  checkSettings(settings) {
    if (settings.labels !== undefined) checkLabels(settings.labels, "--labels");
  },
  prepare(record, line, settings) {
    return { text: textField(record, line), labels: stringListField(record, "labels", line, settings.labels, "--labels") as readonly string[] };
  },
  async run(model, requests, settings) {
    const options: PredictOptions = {
      threshold: settings.threshold ?? 0.5,
      flatNer: settings.flatNer,
      multiLabel: settings.multiLabel,
      batchSize: settings.batchSize,
      truncation: settings.truncation,
    };
    // One list of labels per text: records may bring their own, and the core batches mixed label sets exactly.
    const entities = await model.batchPredictEntities(
      requests.map((r) => r.text),
      requests.map((r) => r.labels),
      options,
    );
    return entities.map((list) => ({ entities: list }));
  },
});

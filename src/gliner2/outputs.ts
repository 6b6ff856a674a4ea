/**
 * ⑤ The boundary graph's outputs, read per (sample, task): predicted count (first argmax of count_logits),
 * classification logits, and float32 span probabilities `sigmoid(span_logits[b,t,c,f,l,w])`.
 */
import { InferenceError } from "../errors.js";
import type { FloatTensor } from "../runtime/runtime.js";
import type { Gliner2BatchShape } from "./tensors.js";

export class Gliner2Outputs {
  private readonly counts: Float32Array;
  private readonly cls: Float32Array;
  private readonly spans: Float32Array;
  private readonly countClasses: number;
  /** Count slots computed by the graph (C). */
  readonly slots: number;
  readonly fields: number;
  readonly words: number;
  /** Span widths (W, the config's max_width). */
  readonly widths: number;
  private readonly tasks: number;

  constructor(outputs: Record<string, FloatTensor>, shape: Gliner2BatchShape) {
    const count = need(outputs, "count_logits", 3);
    const cls = need(outputs, "cls_logits", 3);
    const span = need(outputs, "span_logits", 6);
    const [b, t, k] = count.dims as [number, number, number];
    const [, , c, f, l, w] = span.dims as [number, number, number, number, number, number];
    if (b !== shape.batchSize || t !== shape.maxTasks || f !== shape.maxFields || l !== shape.maxWords || cls.dims[2] !== f) {
      throw new InferenceError(
        `The GLiNER2 graph returned count_logits [${count.dims.join(",")}], cls_logits [${cls.dims.join(",")}], span_logits ` +
          `[${span.dims.join(",")}] for a batch of ${shape.batchSize} texts, ${shape.maxTasks} tasks, ${shape.maxFields} fields, ${shape.maxWords} words.`,
      );
    }
    this.counts = count.data;
    this.cls = cls.data;
    this.spans = span.data;
    this.countClasses = k;
    this.tasks = t;
    this.slots = c;
    this.fields = f;
    this.words = l;
    this.widths = w;
  }

  /** Predicted number of instances of task t of sample b (the first argmax, as torch). */
  count(b: number, t: number): number {
    const row = (b * this.tasks + t) * this.countClasses;
    let best = 0;
    for (let i = 1; i < this.countClasses; i++) if ((this.counts[row + i] as number) > (this.counts[row + best] as number)) best = i;
    return Math.min(best, this.slots);
  }

  /** Classifier logits of the first `n` fields of task t. */
  classLogits(b: number, t: number, n: number): Float32Array {
    const row = (b * this.tasks + t) * this.fields;
    return this.cls.subarray(row, row + n);
  }

  /** float32 probability of span (word l, width w) for count slot c and field f. */
  score(b: number, t: number, c: number, f: number, l: number, w: number): number {
    const at = ((((b * this.tasks + t) * this.slots + c) * this.fields + f) * this.words + l) * this.widths + w;
    return sigmoid32(this.spans[at] as number);
  }
}

export function sigmoid32(x: number): number {
  return Math.fround(1 / (1 + Math.exp(-x)));
}

function need(outputs: Record<string, FloatTensor>, name: string, rank: number): FloatTensor {
  const tensor = outputs[name];
  if (tensor === undefined || tensor.dims.length !== rank) {
    throw new InferenceError(`The GLiNER2 graph did not return "${name}" with ${rank} dimensions; is this the gliner-ts GLiNER2 boundary export?`);
  }
  return tensor;
}

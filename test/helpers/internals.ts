/** Test-only access to a loaded model's stages (config, tokenizer, session), to check inputs and logits. */
import type { GLiNERBase } from "../../src/index.js";
import type { LoadedModel } from "../../src/model/load.js";
import type { TaskEngine } from "../../src/tasks/spec.js";

export function modelInternals(model: GLiNERBase): LoadedModel {
  return (model as unknown as { model: LoadedModel }).model;
}

/** The model as its tasks see it (the pipeline with prompt prefixes), to record or reorder their calls. */
export function modelEngine(model: GLiNERBase): TaskEngine {
  return (model as unknown as { engine(): TaskEngine }).engine();
}

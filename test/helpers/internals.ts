/** Test-only access to a loaded model's stages (config, tokenizer, session), to check inputs and logits. */
import type { GLiNERBase } from "../../src/index.js";
import type { LoadedModel } from "../../src/model/load.js";

export function modelInternals(model: GLiNERBase): LoadedModel {
  return (model as unknown as { model: LoadedModel }).model;
}

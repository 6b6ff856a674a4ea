/**
 * Evaluation feeds pre-split words straight into the core's stages (see words-input.ts), so it needs the
 * loaded model (config, tokenizer, session) behind a public `GLiNER`. The field is protected on purpose: this
 * subclass is the one reader outside the class, and it is never instantiated.
 */
import { GLiNER } from "../gliner.js";
import type { LoadedModel } from "../model/load.js";

class ModelAccess extends GLiNER {
  static loaded(model: GLiNER): LoadedModel {
    return (model as ModelAccess).model;
  }
}

export function loadedModelOf(model: GLiNER): LoadedModel {
  return ModelAccess.loaded(model);
}

/** Node.js entry: `import { GLiNER } from "gliner-ts"`. */
import { GLiNER as GLiNERBase, type GlinerLoadOptions } from "./gliner.js";
import { loadGliner2 } from "./gliner2/load.js";
import { GLiNER2 as GLiNER2Base, type Gliner2ModelLoadOptions } from "./gliner2/model.js";
import { convertOnFirstUse } from "./runtime/node-gliner2-convert.js";
import { withLogitsLayout } from "./inference/run.js";
import { loadModel } from "./model/load.js";
import { RelexOnnxMissingError } from "./relex/model-check.js";
import { convertRelexOnFirstUse } from "./runtime/node-relex-convert.js";
import { nodeRuntime } from "./runtime/node.js";

export * from "./index.js";
export { nodeRuntime } from "./runtime/node.js";

export class GLiNER extends GLiNERBase {
  /**
   * Loads a model from a local folder or a Hugging Face repo id (downloaded once into the huggingface_hub
   * cache, `~/.cache/huggingface/hub` by default). A relex checkpoint (knowledgator/gliner-relex-*) without
   * gliner-ts's relex graph is converted once, on first use, into `<hub cache>/.gliner-ts-converted/`.
   * @example
   * const model = await GLiNER.fromPretrained("onnx-community/gliner-multitask-large-v0.5");
   */
  static async fromPretrained(source: string, options: GlinerLoadOptions = {}): Promise<GLiNER> {
    const runtime = options.runtime ?? nodeRuntime();
    try {
      return new GLiNER(await withLogitsLayout(await loadModel(runtime, source, options)));
    } catch (error) {
      // A relex checkpoint has no usable ONNX anywhere: convert it once into the cache (unless a file was named).
      if (!(error instanceof RelexOnnxMissingError) || options.onnxFile !== undefined) throw error;
      return new GLiNER(await withLogitsLayout(await loadModel(runtime, await convertRelexOnFirstUse(source, options, error), options)));
    }
  }
}

export class GLiNER2 extends GLiNER2Base {
  /**
   * Loads a GLiNER2 model from a local folder or a Hugging Face repo id. A checkpoint without an ONNX graph
   * (the published GLiNER2 models ship model.safetensors only) is converted once, on first use, into the
   * cache (`<hub cache>/../gliner-ts-converted/`), as `gliner-ts convert` would.
   * @example
   * const model = await GLiNER2.fromPretrained("fastino/gliner2-base-v1");
   * await model.extractEntities("Tim Cook leads Apple.", ["person", "company"]);
   */
  static async fromPretrained(source: string, options: Gliner2ModelLoadOptions = {}): Promise<GLiNER2> {
    return new GLiNER2(await loadGliner2(options.runtime ?? nodeRuntime(), source, options, convertOnFirstUse));
  }
}

/** Node.js entry: `import { GLiNER } from "gliner-ts"`. */
import { GLiNER as GLiNERBase, type GlinerLoadOptions } from "./gliner.js";
import { loadModel } from "./model/load.js";
import { nodeRuntime } from "./runtime/node.js";

export * from "./index.js";
export { nodeRuntime } from "./runtime/node.js";

export class GLiNER extends GLiNERBase {
  /**
   * Loads a model from a local folder or a Hugging Face repo id (downloaded once into the huggingface_hub
   * cache, `~/.cache/huggingface/hub` by default).
   * @example
   * const model = await GLiNER.fromPretrained("onnx-community/gliner-multitask-large-v0.5");
   */
  static async fromPretrained(source: string, options: GlinerLoadOptions = {}): Promise<GLiNER> {
    return new GLiNER(await loadModel(options.runtime ?? nodeRuntime(), source, options));
  }
}

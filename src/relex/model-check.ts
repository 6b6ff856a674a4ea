/**
 * Load-time checks of a relex model (UniEncoderSpanRelex / UniEncoderTokenRelex): the `<<REL>>` token, and an
 * ONNX file built by gliner-ts's converter. GLiNER's own export writes a relex graph with sizes frozen by the
 * tracer (rejected by ONNX Runtime or one pair only), so such a file is refused with the command that converts
 * the checkpoint instead.
 */
import { ModelLoadError } from "../errors.js";
import type { ModelConfig } from "../model/config.js";
import type { WordTokenizer } from "../model/tokenizer.js";
import type { Session } from "../runtime/runtime.js";

export const RELEX_THRESHOLD_INPUTS = ["threshold", "adjacency_threshold"] as const;
export const RELEX_OUTPUTS = ["logits", "rel_idx", "rel_logits", "rel_mask", "entity_spans"] as const;

/** A relex model without gliner-ts's relex graph; the Node entry converts the checkpoint on first use instead. */
export class RelexOnnxMissingError extends ModelLoadError {}

/** The one-line fix for a relex folder without a usable ONNX file. */
export function relexConvertHint(source: string): string {
  return (
    `A relex model needs gliner-ts's relex graph (GLiNER's own relex export freezes its sizes and does not work); ` +
    `convert the checkpoint once: npx gliner-ts convert ${source} --out <folder>, then load <folder>.`
  );
}

export function checkRelexTokens(config: ModelConfig, tokenizer: WordTokenizer, description: string): void {
  const relex = config.relex;
  if (relex === undefined) return;
  const id = tokenizer.tokenId(relex.relToken);
  if (id !== relex.relTokenIndex) {
    throw new ModelLoadError(
      `gliner_config.json says rel_token_index ${relex.relTokenIndex} but the tokenizer of ${description} gives ` +
        `"${relex.relToken}" the id ${id ?? "none"}; the tokenizer does not belong to this model.`,
    );
  }
}

/** Throws unless `session` is a gliner-ts relex graph for this config. */
export function checkRelexSignature(config: ModelConfig, session: Session, file: string, source: string): void {
  const text = config.mode === "span"
    ? ["input_ids", "attention_mask", "words_mask", "text_lengths", "span_idx", "span_mask"]
    : ["input_ids", "attention_mask", "words_mask", "text_lengths"];
  const expected = [...text, ...RELEX_THRESHOLD_INPUTS];
  const fits =
    expected.every((name) => session.inputNames.includes(name)) &&
    session.inputNames.every((name) => expected.includes(name)) &&
    RELEX_OUTPUTS.every((name) => session.outputNames.includes(name));
  if (!fits) {
    throw new RelexOnnxMissingError(
      `${file} is not a gliner-ts relex graph (inputs [${session.inputNames.join(", ")}], outputs ` +
        `[${session.outputNames.join(", ")}]). ${relexConvertHint(source)}`,
    );
  }
}

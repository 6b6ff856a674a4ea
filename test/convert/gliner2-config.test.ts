/**
 * GLiNER2 config.json parsing: the published configs (fastino/gliner2-base-v1, -large-v1, -multi-v1 as uploaded,
 * and the span_head format GLiNER2 1.3 saves) are accepted with the right settings; anything else is refused
 * with an UnsupportedConfigError naming the key.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isGliner2Config, parseGliner2Settings, UnsupportedConfigError } from "../../src/convert/gliner2-config.js";
import { ModelLoadError } from "../../src/errors.js";
import { GLINER2_FIXTURE } from "./gliner2-run.js";

// The keys of fastino/gliner2-multi-v1's published config.json (a public dump of that upload: transformers 4.51,
// count_lstm, mdeberta-v3-base); base-v1 is count_lstm_v2 on deberta-v3-base (shared design spec), large-v1 the
// same on deberta-v3-large. Their backbone configs ship as encoder_config/config.json.
const BASE_V1 = {
  _attn_implementation_autoset: true,
  counting_layer: "count_lstm_v2",
  max_width: 8,
  model_name: "microsoft/deberta-v3-base",
  model_type: "extractor",
  token_pooling: "first",
  transformers_version: "4.51.0",
};
const LARGE_V1 = { ...BASE_V1, model_name: "microsoft/deberta-v3-large" };
const MULTI_V1 = { ...BASE_V1, counting_layer: "count_lstm", model_name: "microsoft/mdeberta-v3-base" };
const fixture = (file: string) => JSON.parse(readFileSync(join(GLINER2_FIXTURE, file), "utf8")) as Record<string, unknown>;

test("published configs: counting layer, span width and the backbone when encoder_config/ is absent", () => {
  const base = parseGliner2Settings(BASE_V1, undefined);
  assert.deepEqual([base.countingLayer, base.maxWidth, base.encoder.hiddenSize, base.encoder.numLayers, base.encoder.numHeads], ["count_lstm_v2", 8, 768, 12, 12]);
  const large = parseGliner2Settings(LARGE_V1, undefined);
  assert.deepEqual([large.encoder.hiddenSize, large.encoder.numLayers, large.encoder.intermediateSize], [1024, 24, 4096]);
  assert.equal(parseGliner2Settings(MULTI_V1, undefined).countingLayer, "count_lstm");
  // relative attention as deberta-v3: 256 buckets, p2c + c2p, shared keys, LayerNorm-ed rel embeddings
  assert.deepEqual([base.encoder.positionBuckets, base.encoder.posAttType, base.encoder.shareAttKey, base.encoder.normRelEbdLayerNorm], [256, ["p2c", "c2p"], true, true]);
});

test("the GLiNER2 1.3 format (span_head, architecture, config_version) and encoder_config/config.json", () => {
  const settings = parseGliner2Settings(fixture("config.json"), fixture("encoder_config/config.json"));
  assert.deepEqual([settings.countingLayer, settings.maxWidth, settings.encoder.hiddenSize, settings.encoder.numLayers], ["count_lstm_v2", 8, 64, 2]);
  assert.equal(parseGliner2Settings({ ...BASE_V1, max_width: undefined, span_head: { max_width: 12, span_mode: "markerV0" } }, undefined).maxWidth, 12);
  assert.equal(parseGliner2Settings({ model_type: "extractor", model_name: "microsoft/deberta-v3-base" }, undefined).countingLayer, "count_lstm", "ExtractorConfig's default");
});

test("unknown keys and unsupported values are refused by name", () => {
  const refused: [Record<string, unknown>, string][] = [
    [{ ...BASE_V1, quantization: { bits: 4 } }, "quantization"],
    [{ ...BASE_V1, span_head: { span_mode: "marker" } }, "span_head.span_mode"],
    [{ ...BASE_V1, span_head: { max_width: 8, rotary: true } }, "span_head.rotary"],
    [{ ...BASE_V1, architecture: "boundary", boundary_head: {} }, "boundary_head"],
    [{ ...BASE_V1, architecture: "boundary" }, "architecture"],
    [{ ...BASE_V1, token_pooling: "mean" }, "token_pooling"],
    [{ ...BASE_V1, counting_layer: "count_gru" }, "counting_layer"],
    [{ ...BASE_V1, model_type: "gliner" }, "model_type"],
  ];
  for (const [config, key] of refused) {
    assert.throws(
      () => parseGliner2Settings(config, undefined),
      (error: unknown) => error instanceof UnsupportedConfigError && error.key === key && error.code === "UNSUPPORTED" && error.message.includes(key),
      key,
    );
  }
  assert.throws(() => parseGliner2Settings({ ...BASE_V1, model_name: "someone/tiny-bert" }, undefined), ModelLoadError);
  assert.throws(() => parseGliner2Settings({ ...BASE_V1, max_width: 0 }, undefined), ModelLoadError);
});

test("GLiNER2 configs are told apart from other config.json files", () => {
  assert.ok(isGliner2Config(BASE_V1));
  assert.ok(isGliner2Config(fixture("config.json")));
  assert.ok(!isGliner2Config({ model_type: "deberta-v2", hidden_size: 768 }));
});

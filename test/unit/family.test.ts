/** Family recognition from gliner_config.json, in the reference's `_get_gliner_class` order. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isGlinerError } from "../../src/errors.js";
import { modelFamily, parseModelConfig } from "../../src/model/config.js";

const UNI = { span_mode: "markerV0", class_token_index: 8001 };

test("the family follows relations_layer, then labels_decoder, then labels_encoder, then span_mode", () => {
  assert.equal(modelFamily(UNI), "uni-span");
  assert.equal(modelFamily({ span_mode: "token_level" }), "uni-token");
  assert.equal(modelFamily({}), "uni-span"); // span_mode defaults to markerV0
  assert.equal(modelFamily({ span_mode: "markerV0", labels_encoder: "BAAI/bge-small-en-v1.5" }), "bi-span");
  assert.equal(modelFamily({ span_mode: "token_level", labels_encoder: "labels_encoder" }), "bi-token");
  assert.equal(modelFamily({ span_mode: "markerV0", relations_layer: "dot" }), "relex-span");
  assert.equal(modelFamily({ span_mode: "token_level", relations_layer: "mlp" }), "relex-token");
  assert.equal(modelFamily({ labels_decoder: "gpt2" }), "decoder-span");
  // Precedence: relations_layer beats labels_decoder beats labels_encoder; null counts as unset.
  assert.equal(modelFamily({ relations_layer: "dot", labels_decoder: "gpt2", labels_encoder: "x" }), "relex-span");
  assert.equal(modelFamily({ span_mode: "token_level", labels_decoder: "gpt2", labels_encoder: "x" }), "decoder-token");
  assert.equal(modelFamily({ relations_layer: null, labels_decoder: null, labels_encoder: "x" }), "bi-span");
});

test("a uni-encoder config parses with its family", () => {
  assert.equal(parseModelConfig(UNI).family, "uni-span");
  assert.equal(parseModelConfig({ ...UNI, span_mode: "token_level" }).family, "uni-token");
});

test("the decoder family is refused with UNSUPPORTED, saying the reference cannot export it", () => {
  for (const span_mode of ["markerV0", "token_level"]) {
    assert.throws(
      () => parseModelConfig({ ...UNI, span_mode, labels_decoder: "gpt2" }),
      (e: unknown) =>
        isGlinerError(e) && e.code === "UNSUPPORTED" && /generative label decoder/.test(e.message) &&
        /cannot export them to ONNX/.test(e.message) && /"labels_decoder" is set/.test(e.message),
    );
  }
});

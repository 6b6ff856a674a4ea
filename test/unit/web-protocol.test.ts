/** Errors cross the worker boundary as data and come back typed, with their fields under their public names. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TextTooLongError } from "../../src/errors.js";
import { deserializeError, serializeError } from "../../src/web/protocol.js";

test("a TextTooLongError keeps words and maxLength through serializeError / deserializeError", () => {
  const data = serializeError(new TextTooLongError(900, 384, 2));
  assert.equal(data.maxLength, 384);
  assert.equal(data.words, 900);
  const back = deserializeError(structuredClone(data));
  assert.ok(back instanceof TextTooLongError);
  assert.equal(back.maxLength, 384);
  assert.equal(back.words, 900);
  assert.match(back.message, /Text 2 has 900 words but the model takes at most 384 per pass/);
});

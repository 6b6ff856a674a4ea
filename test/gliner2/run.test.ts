/** `GLiNER2.run("schema", ...)`: the registry's schema task is batchExtract / batchExtractLong; the other class's tasks are refused. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER, GLiNER2, InvalidInputError } from "../../src/node.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { GLINER2_MODEL } from "./golden-helpers.js";

const TEXTS = ["Apple CEO Tim Cook announced the iPhone 15 in Cupertino.", "Berlin is in Germany."];
const SCHEMA = { entities: ["person", "company", "location"], classifications: { tone: ["news", "opinion"] } };

describe("GLiNER2.run", () => {
  let model: GLiNER2;
  before(async () => {
    model = await GLiNER2.fromPretrained(GLINER2_MODEL);
  });
  after(async () => {
    await model.dispose();
  });

  test("schema: one result per input, equal to batchExtract, and to batchExtractLong with chunkSize", async () => {
    const options = { threshold: 0.1, includeSpans: true, offsets: "codePoints" } as const;
    const inputs = TEXTS.map((text) => ({ text, schema: SCHEMA }));
    assert.deepEqual(await model.run("schema", inputs, options), await model.batchExtract(TEXTS, SCHEMA, options));
    assert.deepEqual(await model.run("schema", inputs, { ...options, chunkSize: 4, chunkOverlap: 1 }), await model.batchExtractLong(TEXTS, SCHEMA, { ...options, chunkSize: 4, chunkOverlap: 1 }));
    assert.deepEqual(await model.run("schema", [], options), []);
  });

  test("schema: maxLength reads the first words, as batchExtract's maxLength; not together with chunks", async () => {
    const options = { threshold: 0.1, includeSpans: true } as const;
    const inputs = TEXTS.map((text) => ({ text, schema: SCHEMA }));
    const cut = await model.run("schema", inputs, { ...options, maxLength: 3 });
    assert.deepEqual(cut, await model.batchExtract(TEXTS, SCHEMA, { ...options, maxLength: 3 }));
    assert.notDeepEqual(cut, await model.batchExtract(TEXTS, SCHEMA, options));
    await assert.rejects(model.run("schema", inputs, { maxLength: 3, chunkSize: 4 }), (e: unknown) => e instanceof InvalidInputError && e.argument === "maxLength");
  });

  test("bad options, a missing schema and the other class's tasks are typed errors naming the field", async () => {
    const input = { text: TEXTS[0] as string, schema: SCHEMA };
    await assert.rejects(model.run("schema", [input], { threshold: 2 }), (e: unknown) => e instanceof InvalidInputError && /threshold/.test(e.message));
    await assert.rejects(model.run("schema", [{ text: "x" } as typeof input], {}), (e: unknown) => e instanceof InvalidInputError && /schema is required/.test(e.message));
    await assert.rejects(model.run("ner", [{ text: "x", labels: ["person"] }]), (e: unknown) => e instanceof InvalidInputError && /needs a GLiNER model.*schema/.test(e.message));
    const gliner = await GLiNER.fromPretrained(SPAN_MODEL);
    try {
      await assert.rejects(gliner.run("schema", [input]), (e: unknown) => e instanceof InvalidInputError && /needs a GLiNER2 model/.test(e.message));
    } finally {
      await gliner.dispose();
    }
  });
});

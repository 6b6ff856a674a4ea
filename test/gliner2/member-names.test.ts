/**
 * GLiNER2 field and label names are any strings (issue 16): names like `__proto__` or `constructor` come back as
 * keys of the result like any other name, in single calls and in long documents (whose chunk results are
 * merged by key). Plain assignment of `__proto__` would replace the result's prototype and drop the field, and
 * `key in chunk` sees inherited members, so both are checked against a control name on the same call.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER2 } from "../../src/node.js";
import { GLINER2_MODEL } from "./golden-helpers.js";

const TEXT = "Bill Gates founded Microsoft in Seattle with Paul Allen in 1975.";
const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];
const CONTROL = "controlName";

/**
 * Every task kind keyed by `name`, beside the control name. Relations get their own schema: a relation and a
 * classification may not share a name (results are keyed by name; the reference's rule).
 */
function schemasFor(name: string) {
  return [
    {
      entities: [name, CONTROL],
      classifications: JSON.parse(JSON.stringify({ [name]: ["yes", "no"], [CONTROL]: ["yes", "no"] })) as Record<string, string[]>,
      structures: { record: [`${name}::str`, `${CONTROL}::list`] },
    },
    { relations: [name, CONTROL] },
  ];
}

/** The keys of each part of a result, and whether every object in it kept Object.prototype. */
function shape(result: Record<string, unknown>): { keys: Record<string, string[]>; prototypesKept: boolean } {
  const keys: Record<string, string[]> = {};
  let prototypesKept = true;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) {
      if (Object.getPrototypeOf(value) !== Object.prototype) prototypesKept = false;
      Object.values(value).forEach(visit);
    }
  };
  visit(result);
  for (const [part, value] of Object.entries(result)) {
    keys[part] = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value).sort() : [];
  }
  return { keys, prototypesKept };
}

describe("GLiNER2 names like Object members", () => {
  let model: GLiNER2;
  before(async () => {
    model = await GLiNER2.fromPretrained(GLINER2_MODEL);
  });
  after(() => model.dispose());

  for (const name of NAMES) {
    test(`"${name}" is a key of every part of the result, single and long`, async () => {
      const [main, relations] = schemasFor(name) as [object, object];
      for (const call of ["single", "long"] as const) {
        const run = (schema: object) =>
          call === "single" ? model.extract(TEXT, schema, { threshold: 0.0001 }) : model.extractLong(`${TEXT} `.repeat(60), schema, { threshold: 0.0001 });
        const result = (await run(main)) as Record<string, unknown>;
        const related = (await run(relations)) as Record<string, unknown>;
        const { keys, prototypesKept } = shape(result);
        assert.ok(Object.hasOwn(result, name) && Object.hasOwn(result, CONTROL), `${call}: both classifications are keys of the result`);
        // A part the model counts 0 instances of is {} (the reference's rule); otherwise it holds every name.
        const both = [CONTROL, name].sort();
        assert.ok([0, 2].includes(keys["entities"]?.length ?? -1), `${call}: entity types ${keys["entities"]?.join(", ")}`);
        if (keys["entities"]?.length === 2) assert.deepEqual(keys["entities"], both);
        const records = result["record"];
        if (Array.isArray(records)) assert.ok(records.every((r: object) => Object.hasOwn(r, name) && Object.hasOwn(r, CONTROL)), `${call}: structure fields`);
        assert.deepEqual(shape(related).keys["relation_extraction"], both, `${call}: relation types`);
        assert.ok(prototypesKept && shape(related).prototypesKept, `${call}: no result object had its prototype replaced`);
        assert.match(JSON.stringify(result), new RegExp(`"${name}":`), `${call}: the name is in the JSON`);
      }
    });
  }
});

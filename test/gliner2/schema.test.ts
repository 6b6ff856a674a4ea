/** Schema building and its typed errors (each names the field that is wrong). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { parseFieldSpec, Schema, schemaFromInput } from "../../src/gliner2/schema.js";

function rejects(build: () => unknown, argument: string, message: RegExp): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.equal(error.code, "INVALID_INPUT");
    assert.equal(error.argument, argument);
    assert.match(error.message, message);
    return true;
  });
}

describe("GLiNER2 schema", () => {
  test("field specs as the reference parses them", () => {
    assert.deepEqual(parseFieldSpec("name"), ["name", {}]);
    assert.deepEqual(parseFieldSpec("price::str::unit price"), ["price", { dtype: "str", description: "unit price" }]);
    // Choices without an explicit dtype make a str field; an explicit one wins, in any position.
    assert.deepEqual(parseFieldSpec("speed::[fast | slow]"), ["speed", { dtype: "str", choices: ["fast", "slow"] }]);
    assert.deepEqual(parseFieldSpec("tags::list::[a|b]::what"), ["tags", { dtype: "list", choices: ["a", "b"], description: "what" }]);
  });

  test("the JSON form builds the same schema as the builder", () => {
    const fromJson = schemaFromInput({
      entities: { person: "people", city: { threshold: 0.7, dtype: "str" } },
      classifications: { sentiment: { labels: ["pos", "neg"], multiLabel: true, clsThreshold: 0.4 } },
      structures: { order: ["id::str", { name: "carrier", choices: ["dhl"] }] },
      relations: ["works_for"],
    }).compile();
    const built = new Schema()
      .structure("order").field("id", { dtype: "str" }).field("carrier", { choices: ["dhl"] })
      .entities({ person: "people", city: { threshold: 0.7, dtype: "str" } })
      .relations(["works_for"])
      .classification("sentiment", ["pos", "neg"], { multiLabel: true, clsThreshold: 0.4 })
      .compile();
    assert.deepEqual(fromJson, built);
  });

  test("unknown dtype", () => {
    rejects(() => new Schema().structure("order").field("id", { dtype: "string" as "str" }), 'structures["order"].id.dtype', /"str" or "list"/);
    rejects(() => new Schema().entities({ person: { dtype: "int" as "str" } }), 'entities["person"].dtype', /"str" or "list"/);
  });

  test("malformed field specs", () => {
    rejects(() => schemaFromInput({ structures: { order: ["id::string"] } }).compile(), 'structures["order"][0]', /neither a dtype/);
    rejects(() => schemaFromInput({ structures: { order: ["::str"] } }), 'structures["order"][0]', /no name/);
    rejects(() => schemaFromInput({ structures: { order: ["kind::[a||b]"] } }), 'structures["order"][0]', /empty choice/);
    rejects(() => schemaFromInput({ structures: { order: [42 as unknown as string] } }), 'structures["order"][0]', /"name::dtype/);
  });

  test("empty label lists", () => {
    rejects(() => new Schema().classification("sentiment", []), 'classifications["sentiment"].labels', /no labels/);
    rejects(() => new Schema().entities([]), "entities", /empty/);
    rejects(() => new Schema().structure("order").field("kind", { choices: [] }), 'structures["order"].kind.choices', /non-empty/);
    rejects(() => new Schema().structure("order").compile(), 'structures["order"]', /no fields/);
    rejects(() => new Schema().compile(), "schema", /empty/);
  });

  test("duplicate names", () => {
    rejects(() => new Schema().structure("order").field("id").field("id"), 'structures["order"].id', /twice/);
    rejects(() => new Schema().structure("a").field("x").structure("a"), 'structures["a"]', /twice/);
    rejects(() => new Schema().classification("s", ["a", "a"]), 'classifications["s"].labels', /twice/);
    rejects(() => new Schema().relations(["x"]).classification("x", ["a", "b"]).compile(), "x", /both a relation and a classification task/);
    rejects(() => new Schema().structure("entities").field("x").compile(), "entities", /cannot be called/);
  });

  test("thresholds, unknown options and bad validators", () => {
    rejects(() => new Schema().entities({ person: { threshold: 1.5 } }), 'entities["person"].threshold', /\[0, 1\]/);
    rejects(() => new Schema().entities({ person: { treshold: 0.5 } as never }), 'entities["person"].treshold', /unknown option/);
    rejects(() => new Schema().structure("o").field("p", { validators: [{ pattern: "(" }] }), 'structures["o"].p.validators[0].pattern', /not a valid regular expression/);
  });
});

/** Schema → sequence, by hand: task order, prompts with descriptions/examples, the choice prefix, marker positions. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Schema } from "../../src/gliner2/schema.js";
import { classificationPrefix } from "../../src/gliner2/sequence.js";
import { splitGliner2Words } from "../../src/gliner2/words.js";
import { stubEncoder } from "./support.js";

function fullSchema(): Schema {
  return new Schema()
    .entities({ person: "a human" })
    .structure("order")
    .field("id", { dtype: "str" })
    .field("carrier", { choices: ["DHL", "ups"] })
    .relations(["works_for"])
    .classification("sentiment", ["pos", "neg"], { prompt: "tone", examples: [["great", "pos"], ["meh", "other"]] });
}

describe("GLiNER2 schema → sequence", () => {
  test("tasks in the reference's order with their prompts", () => {
    const record = stubEncoder().encode("Bob works at DHL", fullSchema().compile());
    assert.deepEqual(
      record.tasks.map((t) => [t.type, t.name, t.tokens]),
      [
        ["json_structures", "order", ["(", "[P]", "order", "(", "[C]", "id", "[C]", "carrier", ")", ")"]],
        ["entities", "entities", ["(", "[P]", "entities [DESCRIPTION] person: a human", "(", "[E]", "person", ")", ")"]],
        ["relations", "works_for", ["(", "[P]", "works_for", "(", "[R]", "head", "[R]", "tail", ")", ")"]],
        // The example whose output is not a label is left out, as in the reference.
        ["classifications", "sentiment", ["(", "[P]", "sentiment: tone [EXAMPLE] great [OUTPUT] pos", "(", "[L]", "pos", "[L]", "neg", ")", ")"]],
      ],
    );
  });

  test("a '.' is appended, words are lower-cased after the choice prefix", () => {
    const record = stubEncoder().encode("Bob works at DHL", fullSchema().compile());
    assert.equal(record.modelText, "Bob works at DHL.");
    assert.deepEqual(record.textTokens, ["(", "order:", "carrier", "(", "DHL", "|", "ups", ")", ")", "bob", "works", "at", "dhl", "."]);
    assert.equal(record.prefixLength, 9);
    assert.deepEqual(record.words.map((w) => [w.start, w.end]), [[0, 3], [4, 9], [10, 12], [13, 16], [16, 17]]);
  });

  test("marker positions: [P] then each field marker; words at their first piece; no [CLS]/[SEP]", () => {
    const record = stubEncoder().encode("Bob works at DHL", fullSchema().compile());
    // Task 1 takes 0-9, [SEP_STRUCT] 10; task 2: "(" 11, [P] 12, 5-piece prompt 13-17, "(" 18, [E] 19, ...
    assert.deepEqual(record.schemaPositions, [
      [1, 4, 6],
      [12, 19],
      [25, 28, 30],
      [36, 44, 46],
    ]);
    const sepText = record.inputIds.indexOf(8002);
    assert.equal(sepText, 50);
    assert.deepEqual(record.wordPositions, Array.from({ length: 14 }, (_, i) => 51 + i));
    assert.equal(record.inputIds.length, 65);
    assert.equal(record.inputIds[0], 100);
  });

  test("the classification prefix lists every structure with choices, fields comma-separated", () => {
    const schema = new Schema()
      .structure("a").field("x", { choices: ["p", "q"] }).field("plain").field("y", { choices: ["r"] })
      .structure("b").field("z")
      .compile();
    assert.deepEqual(classificationPrefix(schema), ["(", "a:", "x", "(", "p", "|", "q", ")", ",", "y", "(", "r", ")", ")"]);
  });

  test("maxLength keeps the first words, after the '.' is appended", () => {
    const record = stubEncoder().encode("one two three", new Schema().entities(["x"]).compile(), 2);
    assert.deepEqual(record.textTokens, ["one", "two"]);
  });

  test("an empty text is read as '.'", () => {
    const record = stubEncoder().encode("", new Schema().entities(["x"]).compile());
    assert.deepEqual(record.textTokens, ["."]);
  });

  test("the splitter keeps URLs, e-mails and @handles whole, case-insensitively", () => {
    const words = splitGliner2Words("Mail Anna.Schmidt@Example.COM or see HTTPS://x.io/a?b=1 @Bob_1 re-use");
    assert.deepEqual(
      words.map((w) => w.text),
      ["Mail", "Anna.Schmidt@Example.COM", "or", "see", "HTTPS://x.io/a?b=1", "@Bob_1", "re-use"],
    );
  });
});

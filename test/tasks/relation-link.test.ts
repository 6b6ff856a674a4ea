/** Relation pipeline logic with hand-computed expectations: specs, labels, pair filter, distance, linking, dedup. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { checkRelations, gap, linkRelations, parseRelationLabel, relationLabels } from "../../src/tasks/relation-link.js";
import type { Entity } from "../../src/types.js";

const TEXT = "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975. Later at Microsoft, Gates was CEO.";
const at = (phrase: string, label: string, from = 0, score = 0.9): Entity => {
  const start = TEXT.indexOf(phrase, from);
  assert.ok(start >= 0, phrase);
  return { start, end: start + phrase.length, text: phrase, label, score };
};
const microsoft1 = at("Microsoft", "organisation"); // 0-9
const billGates = at("Bill Gates", "founder"); // 25-35
const paulAllen = at("Paul Allen", "founder"); // 40-50
const date = at("April 4, 1975", "date"); // 54-67
const microsoft2 = at("Microsoft", "organisation", 10); // 78-87
const gates2 = at("Gates", "founder", 40); // 89-94
const ceo = at("CEO", "position"); // 99-102
const ENTITIES = [microsoft1, billGates, paulAllen, date, microsoft2, gates2, ceo];
const span = (phrase: string, label: string, score: number, from = 0): Entity => at(phrase, label, from, score);

describe("checkRelations", () => {
  test("names become specs; pairs and distance are kept", () => {
    assert.deepEqual(checkRelations(["founder", { relation: "CEO of", pairsFilter: [["founder", "organisation"]], distanceThreshold: 100 }], ["founder", "organisation"]), [
      { relation: "founder", pairs: undefined, distance: undefined },
      { relation: "CEO of", pairs: [["founder", "organisation"]], distance: 100 },
    ]);
  });
  const bad: [string, unknown, RegExp][] = [
    ["no relations", [], /non-empty array/],
    ["not an array", "founder", /non-empty array/],
    ["blank name", [" "], /relation name/],
    ["duplicate", ["founder", { relation: "founder" }], /listed twice/],
    ["unknown pair type", [{ relation: "founder", pairsFilter: [["organisation", "person"]] }], /"person", which is not among the entity labels/],
    ["empty pairsFilter", [{ relation: "founder", pairsFilter: [] }], /non-empty array of \[sourceType, targetType\]/],
    ["pair of three", [{ relation: "founder", pairsFilter: [["a", "b", "c"]] }], /pair of entity labels/],
    ["negative distance", [{ relation: "founder", distanceThreshold: -1 }], /≥ 0/],
  ];
  for (const [name, relations, message] of bad) {
    test(`rejects ${name}`, () => {
      assert.throws(() => checkRelations(relations, ["organisation", "founder"]), (e: unknown) => e instanceof InvalidInputError && e.argument === "relations" && message.test(e.message));
    });
  }
  test("without known types (given entities) any pair type is accepted", () => {
    assert.equal(checkRelations([{ relation: "r", pairsFilter: [["x", "y"]] }], undefined)[0]?.pairs?.[0]?.[0], "x");
  });
});

describe("relationLabels", () => {
  test("relation-major, sources in text order, one label per source text with every mention", () => {
    const relations = checkRelations([{ relation: "founder", pairsFilter: [["organisation", "founder"]] }, { relation: "held position", pairsFilter: [["founder", "position"]] }], undefined);
    const labels = relationLabels([ceo, gates2, billGates, microsoft2, microsoft1, paulAllen], relations);
    assert.deepEqual(labels.map((l) => l.label), ["Microsoft <> founder", "Bill Gates <> held position", "Paul Allen <> held position", "Gates <> held position"]);
    assert.deepEqual(labels[0]?.sources, [microsoft1, microsoft2]);
  });
  test("without pairsFilter every entity is a source", () => {
    assert.equal(relationLabels(ENTITIES, checkRelations(["r"], undefined)).length, 6); // 7 mentions, "Microsoft" twice
  });
});

describe("gap", () => {
  test("characters between the spans, in either order, 0 when they touch or overlap", () => {
    assert.equal(gap(microsoft1, billGates), 16); // 25 - 9
    assert.equal(gap(billGates, microsoft1), 16);
    assert.equal(gap({ start: 0, end: 5 }, { start: 5, end: 9 }), 0);
    assert.equal(gap({ start: 0, end: 6 }, { start: 3, end: 9 }), 0);
  });
});

describe("linkRelations", () => {
  const founder = (distance?: number) =>
    relationLabels(ENTITIES, checkRelations([{ relation: "founder", pairsFilter: [["organisation", "founder"]], ...(distance === undefined ? {} : { distanceThreshold: distance }) }], ["organisation", "founder"]));

  test("one relation per source mention; the target is the entity holding the span", () => {
    const relations = linkRelations([span("Bill Gates", "Microsoft <> founder", 0.8)], founder(), ENTITIES);
    assert.deepEqual(relations, [
      { source: microsoft1, relation: "founder", target: billGates, score: 0.8 },
      { source: microsoft2, relation: "founder", target: billGates, score: 0.8 },
    ]);
  });
  test("distanceThreshold keeps the mention close enough: 16 characters pass 20, 43 (78 - 35) do not", () => {
    const relations = linkRelations([span("Bill Gates", "Microsoft <> founder", 0.8)], founder(20), ENTITIES);
    assert.deepEqual(relations.map((r) => r.source), [microsoft1]);
    assert.equal(linkRelations([span("Bill Gates", "Microsoft <> founder", 0.8)], founder(43), ENTITIES).length, 2);
    assert.equal(linkRelations([span("Bill Gates", "Microsoft <> founder", 0.8)], founder(42), ENTITIES).length, 1);
  });
  test("a span inside an entity links to it; duplicates keep the best score", () => {
    const relations = linkRelations([span("Bill", "Microsoft <> founder", 0.6), span("Gates", "Microsoft <> founder", 0.7)], founder(20), ENTITIES);
    assert.deepEqual(relations, [{ source: microsoft1, relation: "founder", target: billGates, score: 0.7 }]);
  });
  test("targets must be extracted entities of an allowed type", () => {
    assert.deepEqual(linkRelations([span("was founded", "Microsoft <> founder", 0.9)], founder(), ENTITIES), []); // in no entity
    assert.deepEqual(linkRelations([span("April 4", "Microsoft <> founder", 0.9)], founder(), ENTITIES), []); // a date: not allowed
  });
  test("a span is never its own source's target", () => {
    const any = relationLabels(ENTITIES, checkRelations(["same"], undefined));
    assert.deepEqual(linkRelations([span("CEO", "CEO <> same", 0.9)], any, ENTITIES), []);
  });
  test("the tightest containing entity is the target (nested entities)", () => {
    const outer = at("Bill Gates and Paul Allen", "founder");
    const relations = linkRelations([span("Gates", "Microsoft <> founder", 0.9)], founder(20), [...ENTITIES, outer]);
    assert.deepEqual(relations.map((r) => r.target), [billGates]);
  });
  test("spans with labels the pipeline did not make are ignored; output in text order", () => {
    const labels = relationLabels(ENTITIES, checkRelations(["founder", "CEO of"], undefined));
    const relations = linkRelations(
      [span("CEO", "Gates <> CEO of", 0.7, 90), span("Microsoft", "Gates <> founder", 0.6, 10), span("Paul Allen", "Gates <> founder", 0.9), span("Bill Gates", "Unknown <> founder", 0.9)],
      labels,
      ENTITIES,
    );
    assert.deepEqual(relations.map((r) => `${r.source.text}@${r.source.start} ${r.relation} ${r.target.text}@${r.target.start}`), [
      "Gates@89 founder Paul Allen@40",
      "Gates@89 founder Microsoft@78",
      "Gates@89 CEO of CEO@99",
    ]);
  });
});

test("parseRelationLabel splits like the reference (exactly two parts, stripped)", () => {
  assert.deepEqual(parseRelationLabel("Bill Gates <> held position"), { source: "Bill Gates", relation: "held position" });
  assert.equal(parseRelationLabel("a <> b <> c"), undefined);
  assert.equal(parseRelationLabel("no separator"), undefined);
});

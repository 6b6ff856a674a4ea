/**
 * The relation pipeline end to end on a fake model with hand-computed answers: the seed card's utca example
 * (entity threshold 0.7, relation threshold 0.5, distanceThreshold 100 for "founder").
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { RELATION_PROMPT } from "../../src/tasks/prompts.js";
import type { TaskEngine } from "../../src/tasks/spec.js";
import type { Relation, RelationOptions } from "../../src/tasks/types.js";
import type { Entity, PredictOptions } from "../../src/types.js";
import { fakeModel, occurrences, run } from "./fake-model.js";

const extractRelationsBatch = (m: TaskEngine, inputs: object[], o: Partial<RelationOptions>) => run<Relation[]>(m, "relations", inputs, o);

const TEXT =
  "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975 to develop and sell BASIC interpreters for the Altair 8800. " +
  "During his career at Microsoft, Gates held the positions of chairman, chief executive officer, president and chief software architect, " +
  "while also being the largest individual shareholder until May 2014.";
const ENTITY_LABELS = ["organisation", "founder", "position", "date"];

const NER: [string, string, number][] = [
  ["Microsoft", "organisation", 0.95], // 0-9 and 149-158 (the fake scores every occurrence alike)
  ["Bill Gates", "founder", 0.9], // 25-35
  ["Paul Allen", "founder", 0.85], // 40-50
  ["April 4, 1975", "date", 0.9], // 54-67
  [" Gates held", "founder", 0.8], // trimmed below to "Gates" 160-165
  ["chairman", "position", 0.75], // 188-196
  ["chief executive officer", "position", 0.72], // 198-221
  ["May 2014", "date", 0.6], // 321-329: under the entity threshold 0.7
];
const TARGETS: Record<string, [string, number][]> = {
  "Microsoft <> founder": [["relationships", 0.99], ["Bill Gates", 0.95], ["Paul Allen", 0.9], ["Gates held", 0.6], ["Altair 8800", 0.45]],
  "Microsoft <> inception date": [["April 4, 1975", 0.85], ["May 2014", 0.7]],
  "Bill Gates <> held position": [["chairman", 0.8]],
  "Gates <> held position": [["chief executive officer", 0.65]],
};

function respond(text: string, labels: readonly string[], options: PredictOptions): Entity[] {
  const above = (list: Entity[]) => list.filter((e) => e.score > (options.threshold ?? 0.5));
  if (!text.startsWith(RELATION_PROMPT)) {
    return above(occurrences(text, NER.filter(([, label]) => labels.includes(label)))).map((e) =>
      e.text === " Gates held" ? { ...e, start: e.start + 1, end: e.end - 5, text: "Gates" } : e,
    );
  }
  return above(
    labels.flatMap((label) =>
      occurrences(text, (TARGETS[label] ?? []).map(([phrase, score]) => [phrase, label, score] as const)).map((e) =>
        e.text === "Gates held" ? { ...e, end: e.end - 5, text: "Gates" } : e,
      ),
    ),
  ).sort((a, b) => a.start - b.start);
}

const CARD = {
  entityLabels: ENTITY_LABELS,
  entityThreshold: 0.7,
  relationThreshold: 0.5,
  relations: [
    { relation: "founder", pairsFilter: [["organisation", "founder"]] as [string, string][], distanceThreshold: 100 },
    { relation: "inception date", pairsFilter: [["organisation", "date"]] as [string, string][] },
    { relation: "held position", pairsFilter: [["founder", "position"]] as [string, string][] },
  ],
};

const show = (r: { source: Entity; relation: string; target: Entity; score: number }) =>
  `${r.source.text}@${r.source.start} ${r.relation} ${r.target.text}@${r.target.start} ${r.score}`;

describe("extractRelations pipeline (fake model)", () => {
  test("the seed card's example, by hand", async () => {
    const { model, calls } = fakeModel(respond);
    const [relations] = await extractRelationsBatch(model, [{ text: TEXT }], CARD);
    assert.deepEqual(relations?.map(show), [
      "Microsoft@0 founder Bill Gates@25 0.95", // gap 16
      "Microsoft@0 founder Paul Allen@40 0.9", // gap 31 (Gates@160: gap 151 > 100)
      "Microsoft@0 inception date April 4, 1975@54 0.85", // "May 2014" scored 0.7 but is no entity at 0.7
      "Bill Gates@25 held position chairman@188 0.8",
      "Microsoft@149 founder Paul Allen@40 0.9", // gap 99 (Bill Gates: 114 > 100)
      "Microsoft@149 founder Gates@160 0.6", // gap 2
      "Microsoft@149 inception date April 4, 1975@54 0.85", // no distance limit for this relation
      "Gates@160 held position chief executive officer@198 0.65",
    ]);
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[0]?.texts, [TEXT]);
    assert.deepEqual(calls[0]?.labels, [ENTITY_LABELS]);
    assert.equal(calls[0]?.options.threshold, 0.7, "the entity threshold reaches the model (utca drops it)");
    assert.deepEqual(calls[1]?.texts, [`${RELATION_PROMPT} \n ${TEXT}`]);
    assert.deepEqual(calls[1]?.labels, [["Microsoft <> founder", "Microsoft <> inception date", "Bill Gates <> held position", "Paul Allen <> held position", "Gates <> held position"]]);
    assert.equal(calls[1]?.options.threshold, 0.5, "the relation threshold reaches the model");
  });

  test("given entities skip the NER step; a text with no source makes no relation call", async () => {
    const { model, calls } = fakeModel(respond);
    const given = occurrences(TEXT, [["Bill Gates", "founder", 0.9], ["chairman", "position", 0.9]]);
    const results = await extractRelationsBatch(model, [{ text: TEXT, entities: given }, { text: "nothing here", entities: [] }], {
      relations: [{ relation: "held position", pairsFilter: [["founder", "position"]] }],
    });
    assert.deepEqual(results.map((list) => list.map(show)), [["Bill Gates@25 held position chairman@188 0.8"], []]);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]?.labels, [["Bill Gates <> held position"]]);
  });

  test("the reference's defaults: entity label 'named entity', thresholds 0.5, its prompt", async () => {
    const { model, calls } = fakeModel(() => []);
    await extractRelationsBatch(model, [{ text: TEXT }], { relations: ["founder"] });
    assert.deepEqual(calls[0]?.labels, [["named entity"]]);
    assert.equal(calls[0]?.options.threshold, 0.5);
    assert.equal(calls.length, 1, "no entity, no relation call");
  });

  test("bad input: typed errors naming the argument", async () => {
    const { model } = fakeModel(respond);
    const fails = (options: unknown, argument: string, message: RegExp, entities?: Entity[]) =>
      assert.rejects(extractRelationsBatch(model, [{ text: TEXT, entities }], options as typeof CARD), (e: unknown) => e instanceof InvalidInputError && e.argument === argument && message.test(e.message));
    await fails({ ...CARD, relations: [{ relation: "founder", pairsFilter: [["company", "founder"]] }] }, "relations", /"company", which is not among the entity labels/);
    await fails({ entityLabels: ENTITY_LABELS }, "relations", /non-empty array/);
    await fails({ ...CARD, entityLabels: [] }, "entityLabels", /empty/);
    await fails({ ...CARD, relationThreshold: 1.5 }, "relationThreshold", /between 0 and 1/);
    await fails({ relations: ["r"] }, "entities", /text\.slice\(start, end\) === text/, [{ start: 0, end: 4, text: "Bill", label: "x", score: 1 }]);
    await fails(undefined, "relations", /relations is required/);
  });
});

/** Long texts by hand: the chunk windows and the reference's merge rules. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { mergeChunkResults, splitIntoChunks } from "../../src/gliner2/long.js";

const DOC = "Ann met Bob. Bob met Cy";
// Words: Ann(0) met(4) Bob(8) .(11) Bob(13) met(17) Cy(21-23).

describe("GLiNER2 long texts", () => {
  test("windows of chunkSize words, step chunkSize − chunkOverlap, sliced from the document", () => {
    assert.deepEqual(splitIntoChunks(DOC, 4, 1), [
      { text: "Ann met Bob.", start: 0 },
      { text: ". Bob met Cy", start: 11 },
    ]);
    assert.deepEqual(splitIntoChunks(DOC, 3, 1), [
      { text: "Ann met Bob", start: 0 },
      { text: "Bob. Bob", start: 8 },
      { text: "Bob met Cy", start: 13 },
    ]);
    assert.deepEqual(splitIntoChunks("   ", 4, 1), [{ text: "   ", start: 0 }]);
    assert.throws(() => splitIntoChunks(DOC, 4, 4), InvalidInputError);
  });

  test("merge: offsets shifted, text re-sliced, entity overlaps resolved by confidence, then sorted by position", () => {
    const chunks = splitIntoChunks(DOC, 4, 1);
    const merged = mergeChunkResults(
      DOC,
      chunks,
      [
        {
          entities: { person: [{ text: "Bob.", confidence: 0.6, start: 8, end: 12 }, { text: "Ann", confidence: 0.9, start: 0, end: 3 }] },
          topic: { label: "pos", confidence: 0.6 },
          relation_extraction: {
            knows: [
              { head: { text: "Ann", confidence: 0.5, start: 0, end: 3 }, tail: { text: "Bob", confidence: 0.5, start: 8, end: 11 } },
              { head: { text: "Ann", confidence: 0.7, start: 0, end: 3 }, tail: { text: "Bob", confidence: 0.6, start: 8, end: 11 } },
            ],
          },
        },
        {
          // ". Bob met Cy" was read as ". Bob met Cy." (the model appends '.'): "Cy." ends past the chunk.
          entities: { person: [{ text: ". Bob", confidence: 0.95, start: 0, end: 5 }, { text: "Cy.", confidence: 0.8, start: 10, end: 13 }], place: [] },
          topic: { label: "neg", confidence: 0.7 },
          relation_extraction: { knows: [] },
        },
      ],
      { includeConfidence: false, includeSpans: true, scalarEntities: new Set() },
    );
    assert.deepEqual(merged, {
      entities: {
        person: [
          { text: "Ann", start: 0, end: 3 },
          { text: ". Bob", start: 11, end: 16 },
          // end 24 is past the document (23), so the chunk's text is kept.
          { text: "Cy.", start: 21, end: 24 },
        ],
        place: [],
      },
      topic: "neg",
      // Same relation twice (confidence aside): the more confident one is kept, at the first one's place.
      relation_extraction: { knows: [{ head: { text: "Ann", start: 0, end: 3 }, tail: { text: "Bob", start: 8, end: 11 } }] },
    });
  });

  test("merge: structure instances deduplicated without overlap removal; scalar entity types keep one value", () => {
    const chunks = [
      { text: "a", start: 0 },
      { text: "b", start: 5 },
    ];
    const instance = (confidence: number) => ({ name: { text: "Ann", confidence, start: 0, end: 3 }, kind: { text: "x", confidence } });
    const merged = mergeChunkResults(
      "Ann xx Ann",
      chunks,
      [
        { order: [instance(0.6)], entities: { who: { text: "Ann", confidence: 0.5, start: 0, end: 3 } } },
        { order: [{ name: { text: "Ann", confidence: 0.9, start: -5, end: -2 }, kind: { text: "x", confidence: 0.9 } }], entities: { who: null } },
      ],
      { includeConfidence: true, includeSpans: false, scalarEntities: new Set(["who"]) },
    );
    assert.deepEqual(merged, {
      order: [{ name: { text: "Ann", confidence: 0.9 }, kind: { text: "x", confidence: 0.9 } }],
      entities: { who: { text: "Ann", confidence: 0.5 } },
    });
  });
});

/**
 * The task methods of `GLiNER` on the fixture models: the seed card's forms, cross-checks between tasks that
 * must make the same model call, UTF-16 offsets into the caller's text, long inputs and typed errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InvalidInputError, TextTooLongError } from "../../src/errors.js";
import { GLiNER, SEED_CARD_SUMMARY_PROMPT } from "../../src/node.js";
import type { Entity } from "../../src/types.js";
import { assertSameEntities } from "../helpers/entities.js";
import { modelDir } from "../helpers/fixtures.js";

const MICROSOFT =
  "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975 to develop and sell BASIC interpreters for the Altair 8800. " +
  "During his career at Microsoft, Gates held the positions of chairman, chief executive officer, president and chief software architect, " +
  "while also being the largest individual shareholder until May 2014.";
const ASTRAL = "😀 Tim Cook 🚀 is the CEO of Apple 🍎, which is based in Cupertino, California. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text ends here.";
const quiet = { onTruncate: () => {} };

function assertInText(text: string, spans: readonly Pick<Entity, "start" | "end" | "text">[], context: string): void {
  for (const s of spans) assert.equal(text.slice(s.start, s.end), s.text, `${context}: ${s.text}@${s.start}`);
}

for (const name of ["span-markerv0", "token-level"] as const) {
  describe(`GLiNER task methods: ${name}`, () => {
    let model: GLiNER;
    before(async () => {
      model = await GLiNER.fromPretrained(modelDir(name));
    });
    after(async () => {
      await model.dispose();
    });

    test("the card's relation labels work on the core, and the ' \\n ' separator adds no word", async () => {
      const labels = ["Microsoft <> founder", "Microsoft <> inception date", "Bill Gates <> held position"];
      const direct = await model.predictEntities(MICROSOFT, labels, { threshold: 0.3 });
      assert.ok(direct.length > 0);
      for (const e of direct) assert.ok(labels.includes(e.label));
      assertSameEntities([await model.extract("", MICROSOFT, { labels, threshold: 0.3 })], [direct], "extract('') = predictEntities");
    });

    test("answer() is open extraction with the reference's QA prompt and label", async () => {
      const question = "Who was the CEO of Microsoft?";
      const answers = await model.answer(question, MICROSOFT, { threshold: 0.3 });
      const spans = await model.extract(`Answer the following question: ${question}`, MICROSOFT, { labels: ["answer"], threshold: 0.3 });
      assert.ok(answers.length > 0);
      assert.deepEqual(answers, [...spans].sort((a, b) => b.score - a.score).map(({ text, start, end, score }) => ({ text, start, end, score })));
      assert.deepEqual(await model.answer(question, MICROSOFT, { threshold: 0.3, topK: 2 }), answers.slice(0, 2));
    });

    test("summarize() with the card's prompt and threshold makes the card's call (prompt + text)", async () => {
      const ours = await model.summarize(MICROSOFT, { prompt: SEED_CARD_SUMMARY_PROMPT, threshold: 0.5 });
      const cardInput = `${SEED_CARD_SUMMARY_PROMPT}\n${MICROSOFT}`;
      const card = (await model.predictEntities(cardInput, ["summary"], { threshold: 0.5 }))
        .filter((e) => e.start > SEED_CARD_SUMMARY_PROMPT.length)
        .map((e) => ({ ...e, start: e.start - SEED_CARD_SUMMARY_PROMPT.length - 1, end: e.end - SEED_CARD_SUMMARY_PROMPT.length - 1 }));
      assertSameEntities([ours.spans], [card], "card summary");
      assert.equal(ours.summary, card.map((e) => e.text).join(" "));
    });

    test("every task answers in UTF-16 offsets of the caller's text (astral characters included)", async () => {
      const low = { threshold: 0.2 };
      assertInText(ASTRAL, await model.answer("Who is the CEO?", ASTRAL, low), "answer");
      assertInText(ASTRAL, (await model.summarize(ASTRAL, low)).spans, "summarize");
      assertInText(ASTRAL, await model.extract("Find companies:", ASTRAL, low), "extract");
      assertInText(ASTRAL, await model.extractSentiment(ASTRAL, low), "sentiment");
      assertInText(ASTRAL, (await model.extractKeyphrases(ASTRAL, low)).flatMap((k) => k.mentions), "keyphrases");
      const relations = await model.extractRelations(ASTRAL, { relations: ["CEO of", "based in"], entityThreshold: 0.2, relationThreshold: 0.2 });
      assertInText(ASTRAL, relations.flatMap((r) => [r.source, r.target]), "relations");
      const all = [
        ...(await model.answer("Who is the CEO?", ASTRAL, low)),
        ...(await model.extract("Find companies:", ASTRAL, low)),
        ...relations.map((r) => r.target),
      ];
      assert.ok(all.some((s) => s.start > ASTRAL.indexOf("🚀")), "spans after astral characters are found and mapped");
    });

    test("classify() answers a class or 'other', never a text span", async () => {
      const classes = ["positive", "negative", "neutral"];
      for (const threshold of [0.1, 0.5, 0.99]) {
        for (const multiLabel of [false, true]) {
          const result = await model.classify(MICROSOFT, classes, { threshold, multiLabel });
          assert.ok(result.length > 0);
          for (const r of result) assert.ok([...classes, "other"].includes(r.label), `${r.label}`);
        }
      }
    });

    test("extractRelations(): both ends are extracted entities; filters hold; batch = one by one", async () => {
      const entityLabels = ["person", "organization", "date"];
      const options = {
        entityLabels,
        entityThreshold: 0.3,
        relationThreshold: 0.3,
        relations: ["founder", { relation: "CEO of", pairsFilter: [["person", "organization"], ["date", "date"]] as [string, string][], distanceThreshold: 60 }],
      };
      const entities = await model.predictEntities(MICROSOFT, entityLabels, { threshold: 0.3 });
      const relations = await model.extractRelations(MICROSOFT, options);
      const key = (e: Entity) => `${e.start}:${e.end}:${e.label}`;
      const known = new Set(entities.map(key));
      for (const r of relations) {
        assert.ok(known.has(key(r.source)) && known.has(key(r.target)), "source and target are NER mentions");
        assert.ok(r.score > 0.3);
        assert.notEqual(key(r.source), key(r.target));
        if (r.relation === "CEO of") {
          assert.ok(["person>organization", "date>date"].includes(`${r.source.label}>${r.target.label}`));
          assert.ok(Math.max(r.source.start, r.target.start) - Math.min(r.source.end, r.target.end) <= 60);
        }
      }
      const keys = relations.map((r) => `${key(r.source)} ${r.relation} ${key(r.target)}`);
      assert.equal(new Set(keys).size, keys.length, "no duplicate triples");
      const batch = await model.batchExtractRelations([MICROSOFT, ASTRAL], options);
      assert.deepEqual(batch[0]?.map((r) => r.target.text), relations.map((r) => r.target.text));
      assert.deepEqual(batch[1]?.map((r) => r.target.text), (await model.extractRelations(ASTRAL, options)).map((r) => r.target.text));
    });

    test("long texts: windows carry the prompt; 'error' and 'truncate' count the prompt's words", async () => {
      const sentences = Math.ceil((model.config.maxLength + 20) / 10); // 10 words each: just past max_len
      const long = Array.from({ length: sentences }, (_, i) => `Sentence ${i} says Microsoft hired Bill Gates in Redmond.`).join(" ");
      const words = sentences * 10; // "." is a word
      // The prompt "Answer the following question: Who was hired?" is 9 words of the model's max_len.
      await assert.rejects(model.answer("Who was hired?", long, { truncation: "error" }), (e: unknown) => {
        return e instanceof TextTooLongError && e.words === words && e.maxLength === model.config.maxLength - 9;
      });
      const reports: unknown[] = [];
      await model.answer("Who was hired?", long, { truncation: "truncate", onTruncate: (info) => reports.push(info) });
      assert.deepEqual(reports, [{ index: 0, words, keptWords: model.config.maxLength - 9 }]);
      const [windowed = []] = await model.run("extract", [{ instruction: "Find people:", text: long }], { threshold: 0.2, window: 120, overlap: 20, ...quiet });
      assertInText(long, windowed, "windowed");
      const cut = long.split(" ").slice(0, 120).join(" ").length;
      assert.ok(windowed.some((e) => e.start > cut), "spans beyond the first window");
      assert.ok(windowed.some((e) => e.end > long.length - 40), "spans in the last window");
    });

    test("bad input: typed errors that name the argument", async () => {
      const fails = (p: Promise<unknown>, argument: string) => assert.rejects(p, (e: unknown) => e instanceof InvalidInputError && e.argument === argument);
      await fails(model.answer("", MICROSOFT), "question");
      await fails(model.classify(MICROSOFT, []), "classes");
      await fails(model.extractRelations(MICROSOFT, { entityLabels: ["person"], relations: [{ relation: "CEO of", pairsFilter: [["person", "company"]] }] }), "relations");
      await fails(model.extract("Find:", MICROSOFT, { labels: [] }), "labels");
      await fails(model.summarize(MICROSOFT, { threshold: 0 }), "threshold");
      await fails(model.extractKeyphrases(MICROSOFT, { topK: -1 }), "topK");
      await fails(model.extractSentiment(null as unknown as string), "text");
    });
  });
}

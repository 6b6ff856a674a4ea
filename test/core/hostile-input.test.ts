/**
 * Hostile input against the library (issue 16): Object-member labels, labels carrying special tokens, null
 * options, the candidate bound, cancellation, and load-time config/vocabulary checks naming the config key.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GLiNER, InvalidInputError, ModelLoadError } from "../../src/node.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";

const TEXT = "Bill Gates founded Microsoft in Seattle with Paul Allen.";
const MEMBER_NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "isPrototypeOf"];

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`hostile labels and options (${dir.split("/").pop()})`, () => {
    let model: GLiNER;
    before(async () => {
      model = await GLiNER.fromPretrained(dir);
    });
    after(() => model.dispose());

    test("labels named like Object members find what any other label name finds", async () => {
      // The random fixture scores spans independently of the label name only through the prompt, so compare
      // each name with itself in a neutral position: same spans as the control label when renamed.
      for (const name of MEMBER_NAMES) {
        const found = await model.predictEntities(TEXT, [name], { threshold: 0.3 });
        assert.ok(found.length > 0, `${name}: no entities`);
        assert.ok(found.every((e) => e.label === name && e.score > 0.3));
        const withThresholds = await model.predictEntities(TEXT, [name], { threshold: 0.3, labelThresholds: JSON.parse(`{"${name}": 0.3}`) });
        assert.deepEqual(withThresholds, found, `${name} with labelThresholds`);
      }
    });

    test("labels containing the model's special tokens are refused in single, batch and stream calls", async () => {
      for (const label of ["<<ENT>>", "a <<SEP>> b", "[CLS]", "x[MASK]"]) {
        const refused = (e: unknown) => e instanceof InvalidInputError && e.message.includes("special token");
        await assert.rejects(model.predictEntities(TEXT, ["person", label]), refused, label);
        await assert.rejects(model.batchPredictEntities([TEXT, TEXT], [["person"], [label]]), refused, `${label} per text`);
        await assert.rejects(
          (async () => {
            for await (const _ of model.stream([{ text: TEXT, labels: [label] }], undefined)) void _;
          })(),
          refused,
          `${label} in a stream`,
        );
      }
    });

    test("null options are refused, naming the option", async () => {
      for (const key of ["threshold", "flatNer", "multiLabel", "batchSize", "truncation", "labelThresholds"]) {
        await assert.rejects(
          model.predictEntities(TEXT, ["person"], JSON.parse(`{"${key}": null}`)),
          (e: unknown) => e instanceof InvalidInputError && e.argument === key,
          key,
        );
      }
      await assert.rejects(model.predictEntities(TEXT, ["person"], null as never), InvalidInputError);
    });

    test("an aborted signal stops the call before any pass runs", async () => {
      const controller = new AbortController();
      controller.abort(new Error("client gone"));
      await assert.rejects(model.predictEntities(TEXT, ["person"], { signal: controller.signal }), /client gone/);
    });
  });
}

describe("load-time checks name the config key", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gliner-hostile-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function variant(name: string, edit: (config: Record<string, unknown>) => void, tokenizer?: (t: Record<string, unknown>) => void) {
    const target = join(dir, name);
    await cp(TOKEN_MODEL, target, { recursive: true });
    const config = JSON.parse(await readFile(join(target, "gliner_config.json"), "utf8")) as Record<string, unknown>;
    edit(config);
    await writeFile(join(target, "gliner_config.json"), JSON.stringify(config));
    if (tokenizer) {
      const t = JSON.parse(await readFile(join(target, "tokenizer.json"), "utf8")) as Record<string, unknown>;
      tokenizer(t);
      await writeFile(join(target, "tokenizer.json"), JSON.stringify(t));
    }
    return target;
  }

  test("max_len below 2, a negative class_token_index and a bad vocab_size are refused at load", async () => {
    const cases: [string, (c: Record<string, unknown>) => void, RegExp][] = [
      ["max-len-1", (c) => (c["max_len"] = 1), /"max_len" is 1/],
      ["class-token-negative", (c) => (c["class_token_index"] = -1), /"class_token_index" is -1/],
      ["vocab-size-string", (c) => (c["vocab_size"] = "big"), /"vocab_size" must be a positive integer/],
    ];
    for (const [name, edit, message] of cases) {
      await assert.rejects(GLiNER.fromPretrained(await variant(name, edit)), (e: unknown) => e instanceof ModelLoadError && message.test(e.message), name);
    }
    await assert.rejects(GLiNER.fromPretrained(TOKEN_MODEL, { maxLength: 1 }), (e: unknown) => e instanceof InvalidInputError && e.argument === "maxLength");
  });

  test("a tokenizer with more ids than the model's embedding rows is refused", async () => {
    const target = await variant(
      "foreign-vocab",
      () => undefined,
      (t) => {
        const model = t["model"] as { vocab: [string, number][] };
        for (let i = 0; i < 50; i++) model.vocab.push([`▁extra${i}`, -20]);
      },
    );
    // The ONNX file's own table decides (test/core/vocab-check.test.ts); gliner_config.json's vocab_size is the fallback.
    await assert.rejects(GLiNER.fromPretrained(target), (e: unknown) => e instanceof ModelLoadError && /word_embeddings\.weight" of onnx\/model\.onnx has 8003 rows/.test(e.message));
  });
});

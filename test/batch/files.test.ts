/** The durable pieces of a batch: line parsing into documents, the journal's torn-tail repair, the output lock. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { documentKey, parseDocument, readInputLines, RecordError } from "../../src/batch/documents.js";
import { Journal } from "../../src/batch/journal.js";
import { lockOutput } from "../../src/batch/lock.js";
import { defaultDeadLetterPath } from "../../src/batch/outputs.js";

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), "gliner-batch-files-"))));
after(async () => rm(dir, { recursive: true, force: true }));

describe("documents", () => {
  test("the id keys the result; without one the line number does; 7 and \"7\" are different keys", () => {
    assert.deepEqual(parseDocument({ line: 3, raw: '{"id": "a", "text": "x"}' }).key, '"a"');
    assert.equal(parseDocument({ line: 3, raw: '{"text": "x"}' }).id, 3);
    assert.equal(parseDocument({ line: 3, raw: '{"id": null, "text": "x"}' }).id, 3, "null counts as no id");
    assert.notEqual(documentKey(7), documentKey("7"));
  });

  test("bad lines throw a RecordError naming the line, the problem and the shape expected", () => {
    const cases: [string, string, RegExp][] = [
      ["{oops", "INVALID_JSON", /^line 4 is not valid JSON \(/],
      ["42", "INVALID_RECORD", /^line 4 must be a JSON object like \{"id": "doc-1", "text": "..."\}; got a number\.$/],
      ['{"id": true, "text": "x"}', "INVALID_RECORD", /^line 4: "id" must be a string or a number; got a boolean\.$/],
      ['{"id": [1], "text": "x"}', "INVALID_RECORD", /got an array/],
    ];
    for (const [raw, code, message] of cases) {
      assert.throws(() => parseDocument({ line: 4, raw }), (error: unknown) => error instanceof RecordError && error.code === code && message.test(error.message));
    }
  });

  test("input lines keep editor line numbers across blank lines, CRLF and a BOM", async () => {
    const path = join(dir, "in.jsonl");
    await writeFile(path, '\uFEFF{"text":"a"}\r\n\r\n   \n{"text":"b"}');
    const lines = [];
    for await (const line of readInputLines(path)) lines.push(line);
    assert.deepEqual(lines, [
      { line: 1, raw: '{"text":"a"}' },
      { line: 4, raw: '{"text":"b"}' },
    ]);
    await assert.rejects(async () => {
      for await (const _ of readInputLines(join(dir, "missing.jsonl"))) break;
    }, /cannot read the input .*missing\.jsonl: ENOENT/);
  });

  test("the dead-letter file sits next to the output", () => {
    assert.equal(defaultDeadLetterPath("/x/results.jsonl"), "/x/results.dead-letters.jsonl");
    assert.equal(defaultDeadLetterPath("out"), "out.dead-letters.jsonl");
  });
});

describe("Journal", () => {
  test("appends whole lines and reads them back on reopen", async () => {
    const path = join(dir, "journal.jsonl");
    const first = await Journal.open(path, () => assert.fail("new file has no lines"));
    await first.journal.append([{ id: 1 }, { id: 2 }]);
    await first.journal.append([]);
    await first.journal.close();
    const seen: unknown[] = [];
    const second = await Journal.open(path, (record, n) => seen.push([n, record]));
    await second.journal.close();
    assert.deepEqual(seen, [[1, { id: 1 }], [2, { id: 2 }]]);
    assert.equal(second.tornBytes, 0);
  });

  test("a torn last line is cut back to the last newline (also when it is the only line)", async () => {
    const path = join(dir, "torn.jsonl");
    await writeFile(path, '{"id":1}\n{"id":2}\n{"id":3,"ent');
    const seen: unknown[] = [];
    const opened = await Journal.open(path, (record) => seen.push(record));
    assert.deepEqual(seen, [{ id: 1 }, { id: 2 }]);
    assert.equal(opened.tornBytes, '{"id":3,"ent'.length);
    await opened.journal.append([{ id: 3 }]);
    await opened.journal.close();
    assert.equal(await readFile(path, "utf8"), '{"id":1}\n{"id":2}\n{"id":3}\n');

    await writeFile(path, '{"id":1');
    const only = await Journal.open(path, () => assert.fail("no complete line"));
    await only.journal.close();
    assert.equal(await readFile(path, "utf8"), "");
  });

  test("a complete line that is not JSON is refused, not guessed at", async () => {
    const path = join(dir, "foreign.jsonl");
    await writeFile(path, '{"id":1}\nhello world\n');
    await assert.rejects(Journal.open(path, () => {}), /foreign\.jsonl:2 is not a JSON object line, so this file was not written by gliner-ts batch/);
  });
});

describe("output lock", () => {
  test("one holder at a time; a lock of a dead process on this host is taken over", async () => {
    const output = join(dir, "locked.jsonl");
    const lock = await lockOutput(output);
    await assert.rejects(lockOutput(output), new RegExp(`being written by another gliner-ts batch \\(${hostname()} ${process.pid}\\)`));
    await lock.release();
    await writeFile(`${output}.lock`, `${hostname()} 999999999\n`); // no such pid
    const taken = await lockOutput(output);
    assert.equal((await readFile(`${output}.lock`, "utf8")).trim(), `${hostname()} ${process.pid}`);
    await taken.release();
  });
});

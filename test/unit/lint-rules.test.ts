/**
 * The lint rules that keep the layers apart (eslint.config.js) fail on deliberately wrong imports and pass the
 * right ones: outer rooms import the public index or the task registry, and no stage imports a later one.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

test("an outer room may not import a task's internals or a stage; the index and the registry are fine", async () => {
  const wrong = await restricted("src/server/routes/x.ts", 'import { qaTask } from "../../tasks/qa.js";\nexport const t = qaTask;\n');
  assert.equal(wrong.length, 1);
  assert.match(wrong[0] as string, /Outer rooms import the public index/);
  assert.equal((await restricted("src/cli/x.ts", 'import { runModel } from "../inference/run.js";\nexport const r = runModel;\n')).length, 1);
  assert.deepEqual(await restricted("src/batch/x.ts", 'import { TASK_SPECS } from "../index.js";\nexport const s = TASK_SPECS;\n'), []);
  assert.deepEqual(await restricted("src/web/x.ts", 'import { resultFields } from "../tasks/registry.js";\nexport const f = resultFields;\n'), []);
  assert.deepEqual(await restricted("src/web/x.ts", 'import type { Answer } from "../tasks/types.js";\nexport type A = Answer;\n'), [], "type-only imports are free");
});

test("no stage imports a later one", async () => {
  const wrong = await restricted("src/text/x.ts", 'import { greedySearch } from "../decode/greedy.js";\nexport const g = greedySearch;\n');
  assert.equal(wrong.length, 1);
  assert.match(wrong[0] as string, /Stage order: text may not import a later stage/);
  assert.equal((await restricted("src/inference/x.ts", 'import { tokenCandidates } from "../decode/token-logits.js";\nexport const t = tokenCandidates;\n')).length, 1);
  assert.equal((await restricted("src/model/x.ts", 'import { encodePrompt } from "../prompt/encode.js";\nexport const e = encodePrompt;\n')).length, 1);
  assert.deepEqual(await restricted("src/decode/x.ts", 'import { splitWords } from "../text/words.js";\nexport const s = splitWords;\n'), []);
});

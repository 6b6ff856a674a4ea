/**
 * The README's commands are the ones that are run: its Install and Tests commands are exactly what .ci/run runs
 * on a fresh clone, and its main-job command works in the clone (with `--model <folder>` for a local model).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { runCli, runCommand as run } from "../helpers/cli.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { shellWords } from "./consumer.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The lines of the first ```sh block under the README heading `## <title>`. */
function commandsUnder(title: string): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith(`${title}\n`));
  assert.ok(section !== undefined, `README has no "## ${title}" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block !== undefined, `README's "${title}" has no sh block`);
  return block.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
}

test("CI runs the README's install command, then typecheck, lint and the README's test command — nothing else of npm", () => {
  const install = commandsUnder("Install");
  const tests = commandsUnder("Tests");
  assert.deepEqual(install, ["npm ci"]);
  assert.deepEqual(tests, ["npm test"]);
  const ci = readFileSync(join(ROOT, ".ci", "run"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^(npm|npx)\b/.test(line));
  assert.deepEqual(ci, [...install, "npm run typecheck", "npm run lint", ...tests]);
});

test("`npm ci` builds (prepare) and packing builds too, so the CLI exists after the install command", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
  assert.equal(pkg.scripts["prepare"], "npm run build");
  assert.match(pkg.scripts["build"] ?? "", /tsc -p tsconfig\.json.*build:web/);
  assert.equal(pkg.bin["gliner-ts"], "./dist/cli/bin.js");
});

const mainJob = commandsUnder("The main job: NER on the default model");
const words = shellWords(mainJob[0] ?? "");

test("the main-job command is one `npx gliner-ts ner` line", () => {
  assert.equal(mainJob.length, 1);
  assert.deepEqual(words.slice(0, 3), ["npx", "gliner-ts", "ner"]);
  assert.ok(words.includes("--labels"));
});

test("the main-job command, with --model <folder>, prints one JSON line of entities (CLI from source)", async () => {
  const result = await runCli([...words.slice(2), "--model", SPAN_MODEL]);
  assert.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as { entities: { label: string }[] };
  assert.ok(Array.isArray(parsed.entities));
  const labels = words[words.indexOf("--labels") + 1]?.split(",") ?? [];
  for (const entity of parsed.entities) assert.ok(labels.includes(entity.label));
});

test(
  "the main-job command works verbatim through npx in the built clone",
  { skip: process.env["GLINER_TEST_PACK"] === "1" ? false : "set GLINER_TEST_PACK=1 after `npm ci` (it builds dist/) to run npx" },
  async () => {
    const result = await run("npx", [...words.slice(1), "--model", SPAN_MODEL], { cwd: ROOT, env: { CI: "true" } });
    assert.equal(result.code, 0, result.stderr);
    const fromSource = await runCli([...words.slice(2), "--model", SPAN_MODEL]);
    assert.equal(result.stdout, fromSource.stdout);
  },
);

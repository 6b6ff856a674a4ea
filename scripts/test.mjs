// Runs every *.test.ts under test/ (or the paths given) with node's test runner through tsx.
// Node 20 has no glob support in --test, so the file list is collected here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (path.endsWith(".test.ts")) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("-"));
const files = (roots.length ? roots : ["test"]).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", ...flags, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);

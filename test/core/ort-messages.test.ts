/**
 * ONNX Runtime's own output (issue 16, item 7): its errors reach our typed errors without terminal colour codes,
 * C++ source paths and function signatures, and its log lines stay off stderr unless `logLevel` asks for them.
 * ORT is given real bad input: a feed whose shape cannot broadcast (the message carries a .h path and a C++
 * signature), on the calling thread and in a worker thread, and a truncated ONNX file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { GLiNER, InferenceError, ModelLoadError } from "../../src/node.js";
import { runModel } from "../../src/inference/run.js";
import { loadModel } from "../../src/model/load.js";
import { nodeRuntime } from "../../src/runtime/node.js";
import { cleanOrtMessage } from "../../src/runtime/ort-session.js";
import type { TensorData } from "../../src/runtime/runtime.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";

const ONNX = join(TOKEN_MODEL, "onnx", "model.onnx");
const int64 = (values: number[]): TensorData => ({ type: "int64", data: BigInt64Array.from(values.map(BigInt)), dims: [1, values.length] });
/** attention_mask one longer than input_ids: ORT fails inside a Mul with a broadcast error. */
const BAD_FEEDS = {
  input_ids: int64([1, 2, 3, 4]),
  attention_mask: int64([1, 1, 1, 1, 1]),
  words_mask: int64([0, 1, 0, 0]),
  text_lengths: int64([1]),
};

function assertClean(message: string): void {
  assert.match(message, /Attempting to broadcast an axis by a dimension other than 1/, "the useful part stays");
  assert.doesNotMatch(message, /\u001b/, "no colour codes");
  assert.doesNotMatch(message, /\.(?:cc|cpp|h|hpp):\d+/, "no C++ source locations");
  assert.doesNotMatch(message, /onnxruntime::|onnxruntime_src/, "no C++ signatures or build paths");
}

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "gliner-ort-messages-"));
});
after(() => rm(tmp, { recursive: true, force: true }));

test("a failing run is an InferenceError with ORT's message cleaned (calling thread)", async () => {
  const model = await loadModel(nodeRuntime(), TOKEN_MODEL);
  try {
    await assert.rejects(runModel(model, BAD_FEEDS, { batchSize: 1, maxWords: 1, maxLabels: 1 }), (e: unknown) => {
      assert.ok(e instanceof InferenceError);
      assertClean(e.message);
      return true;
    });
  } finally {
    await model.session.release();
  }
});

test("a failing run in a worker thread is an InferenceError with ORT's message cleaned", async () => {
  const session = await nodeRuntime().createSession(ONNX, { offMainThread: true });
  try {
    await assert.rejects(session.run(BAD_FEEDS, ["logits"]), (e: unknown) => {
      assert.ok(e instanceof InferenceError);
      assertClean(e.message);
      return true;
    });
  } finally {
    await session.release();
  }
});

test("a truncated ONNX file is a ModelLoadError saying so, without ORT's source paths", async () => {
  const folder = join(tmp, "truncated");
  await cp(TOKEN_MODEL, folder, { recursive: true });
  await writeFile(join(folder, "onnx", "model.onnx"), (await readFile(ONNX)).subarray(0, 5000));
  for (const offMainThread of [false, true]) {
    await assert.rejects(GLiNER.fromPretrained(folder, { session: { offMainThread } }), (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.match(e.message, /Protobuf parsing failed/);
      assert.doesNotMatch(e.message, /\u001b|\.(?:cc|h):\d+/);
      return true;
    });
  }
});

test("cleanOrtMessage: colour codes, log-line prefixes, source paths and the C++ signature after one go", () => {
  const raw =
    "\u001b[1;31m2026-12-02 08:47:18.08 [E:onnxruntime:, sequential_executor.cc:671 ExecuteKernel] Non-zero status code returned " +
    "while running Mul node. Name:'/embeddings/Mul' Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/math/" +
    "element_wise_ops.h:583 void onnxruntime::BroadcastIterator::Append(ptrdiff_t, ptrdiff_t) axis == 1 || axis == largest " +
    "was false. Attempting to broadcast an axis by a dimension other than 1. 4 by 5\n\u001b[m";
  assert.equal(
    cleanOrtMessage(raw),
    "2026-12-02 08:47:18.08 Non-zero status code returned while running Mul node. Name:'/embeddings/Mul' Status Message: " +
      "axis == 1 || axis == largest was false. Attempting to broadcast an axis by a dimension other than 1. 4 by 5",
  );
  const windows = "Load model failed: C:\\a\\_work\\1\\s\\onnxruntime\\core\\graph\\model.cc:180 Unsupported model IR version: 11";
  assert.equal(cleanOrtMessage(windows), "Load model failed: Unsupported model IR version: 11");
});

/** stderr of a child process that loads the session with `logLevel` (unset: the default) and runs the bad feeds. */
function stderrOfFailingRun(logLevel?: string): string {
  const runtime = fileURLToPath(new URL("../../src/runtime/node.ts", import.meta.url));
  const script = `
    const { nodeRuntime } = await import(${JSON.stringify(runtime)});
    const int64 = (v) => ({ type: "int64", data: BigInt64Array.from(v.map(BigInt)), dims: [1, v.length] });
    const session = await nodeRuntime().createSession(${JSON.stringify(ONNX)}, ${JSON.stringify(logLevel === undefined ? {} : { logLevel })});
    const feeds = { input_ids: int64([1, 2, 3, 4]), attention_mask: int64([1, 1, 1, 1, 1]), words_mask: int64([0, 1, 0, 0]), text_lengths: int64([1]) };
    await session.run(feeds, ["logits"]).then(() => process.exit(2), () => process.exit(0));`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, `the run must fail, and only that: ${child.stderr}`);
  return child.stderr;
}

test("ORT's log lines stay off stderr by default; logLevel: \"error\" brings them back", () => {
  assert.equal(stderrOfFailingRun(), "");
  assert.match(stderrOfFailingRun("error"), /\[E:onnxruntime/);
});

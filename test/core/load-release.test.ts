/**
 * A model refused after its ONNX session was created (signature check, labels encoder) releases that session:
 * off the main thread a live session is a worker thread, which would keep the process (a CLI, a test) alive.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { GLiNER2, GLiNERBase, isGlinerError, nodeRuntime, type Runtime, type Session } from "../../src/node.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";

/** The Node runtime, recording each session it creates and whether it was released. */
function recordingRuntime(): { runtime: Runtime; sessions: { released: boolean }[] } {
  const base = nodeRuntime();
  const sessions: { released: boolean }[] = [];
  const runtime: Runtime = Object.create(base) as Runtime;
  runtime.createSession = async (...args: Parameters<Runtime["createSession"]>): Promise<Session> => {
    const session = await base.createSession(...args);
    const record = { released: false };
    sessions.push(record);
    return {
      ...session,
      run: session.run.bind(session),
      async release() {
        record.released = true;
        await session.release();
      },
    };
  };
  return { runtime, sessions };
}

test("a graph refused by the signature check after its session was created: the session is released", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gliner-refused-"));
  try {
    await cp(TOKEN_MODEL, dir, { recursive: true });
    // bi-span's graph (labels as tokens, 8100 embedding rows): passes the vocabulary check, not the signature's.
    await cp(join(SPAN_MODEL, "..", "bi-span", "onnx", "model.onnx"), join(dir, "onnx", "model.onnx"));
    const { runtime, sessions } = recordingRuntime();
    await assert.rejects(GLiNERBase.load(runtime, dir), (e: unknown) => isGlinerError(e) && e.code === "MODEL_LOAD");
    assert.equal(sessions.length, 1, "the session was created before the refusal");
    assert.deepEqual(sessions, [{ released: true }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("GLiNER2: a graph refused by its signature check after the session was created is released too", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gliner2-refused-"));
  try {
    await cp(join(SPAN_MODEL, "..", "gliner2-span"), dir, { recursive: true });
    await cp(join(SPAN_MODEL, "..", "bi-span", "onnx", "model.onnx"), join(dir, "onnx", "model.onnx")); // enough rows, wrong graph
    const { runtime, sessions } = recordingRuntime();
    await assert.rejects(GLiNER2.load(runtime, dir), (e: unknown) => isGlinerError(e) && e.code === "MODEL_LOAD");
    assert.deepEqual(sessions, [{ released: true }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

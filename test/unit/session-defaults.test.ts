/**
 * Session defaults (src/runtime/session-defaults.ts): what gliner-ts hands to ONNX Runtime when the user says
 * nothing, observed at `InferenceSession.create`, and that every explicit option wins.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as ort from "onnxruntime-node";
import { GLiNER, InvalidInputError } from "../../src/node.js";
import { nodeMachine } from "../../src/runtime/node.js";
import { resolveSessionOptions } from "../../src/runtime/session-defaults.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

type Create = typeof ort.InferenceSession.create;
const created: ort.InferenceSession.SessionOptions[] = [];
const originalCreate: Create = ort.InferenceSession.create;

before(() => {
  ort.InferenceSession.create = (async (...args: unknown[]) => {
    created.push(args.find((a, i) => i > 0 && typeof a === "object" && a !== null && !(a instanceof Uint8Array)) as ort.InferenceSession.SessionOptions);
    return (originalCreate as (...a: unknown[]) => Promise<ort.InferenceSession>)(...args);
  }) as Create;
});
after(() => {
  ort.InferenceSession.create = originalCreate;
});

async function optionsAsCreated(session: Parameters<typeof GLiNER.fromPretrained>[1]): Promise<ort.InferenceSession.SessionOptions> {
  created.length = 0;
  const model = await GLiNER.fromPretrained(SPAN_MODEL, session);
  await model.dispose();
  assert.equal(created.length, 1, "one ONNX Runtime session");
  return created[0] as ort.InferenceSession.SessionOptions;
}

test("no options: physical-core intra-op threads, 1 inter-op thread, sequential, no spinning reach ONNX Runtime", async () => {
  const got = await optionsAsCreated({});
  assert.equal(got.intraOpNumThreads, nodeMachine().physicalCores);
  assert.equal(got.interOpNumThreads, 1);
  assert.equal(got.executionMode, "sequential");
  assert.equal(got.graphOptimizationLevel, "all");
  assert.deepEqual(got.executionProviders, ["cpu"]);
  assert.deepEqual(got.extra, { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } });
  assert.equal(got.enableCpuMemArena, undefined, "the arena stays ONNX Runtime's (on)");
  assert.equal(got.logSeverityLevel, 4, "ORT logs only fatal errors: the others come back as exceptions we wrap");
  assert.equal(ort.env.logLevel, "fatal");
});

test("logLevel reaches ONNX Runtime as its severity number; an unknown level is refused by name", async () => {
  assert.equal((await optionsAsCreated({ session: { logLevel: "warning" } })).logSeverityLevel, 2);
  assert.equal(ort.env.logLevel, "warning");
  assert.equal((await optionsAsCreated({ session: { logLevel: "error" } })).logSeverityLevel, 3);
  await assert.rejects(
    GLiNER.fromPretrained(SPAN_MODEL, { session: { logLevel: "loud" as "error" } }),
    (e: unknown) => e instanceof InvalidInputError && e.argument === "session.logLevel" && /verbose, info, warning, error, fatal/.test(e.message),
  );
});

test("every explicit session option reaches ONNX Runtime unchanged", async () => {
  const got = await optionsAsCreated({
    session: {
      intraOpNumThreads: 3,
      interOpNumThreads: 2,
      executionMode: "parallel",
      graphOptimizationLevel: "basic",
      allowSpinning: true,
      enableCpuMemArena: false,
      enableMemPattern: false,
    },
  });
  assert.equal(got.intraOpNumThreads, 3);
  assert.equal(got.interOpNumThreads, 2);
  assert.equal(got.executionMode, "parallel");
  assert.equal(got.graphOptimizationLevel, "basic");
  assert.equal(got.enableCpuMemArena, false);
  assert.equal(got.enableMemPattern, false);
  assert.deepEqual(got.extra, { session: { intra_op: { allow_spinning: "1" }, inter_op: { allow_spinning: "1" } } });
});

test("defaults by machine: the physical cores, shared out between workers, at least one thread each", () => {
  const machine = { physicalCores: 8 };
  const plain = resolveSessionOptions({}, machine);
  assert.deepEqual(
    { ...plain },
    { workers: 1, intraOpNumThreads: 8, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all", executionProviders: ["cpu"], allowSpinning: false, logLevel: "fatal" },
  );
  assert.equal(resolveSessionOptions({ workers: 2 }, machine).intraOpNumThreads, 4);
  assert.equal(resolveSessionOptions({ workers: 3 }, machine).intraOpNumThreads, 2);
  assert.equal(resolveSessionOptions({ workers: 4 }, { physicalCores: 2 }).intraOpNumThreads, 1);
  assert.deepEqual(resolveSessionOptions({}, machine, ["wasm"]).executionProviders, ["wasm"]);
});

test("an explicit option always wins over a default, with or without workers", () => {
  const machine = { physicalCores: 8 };
  const given = { workers: 2, intraOpNumThreads: 3, interOpNumThreads: 4, executionMode: "parallel", allowSpinning: true, graphOptimizationLevel: "extended", executionProviders: ["cuda", "cpu"] } as const;
  const resolved = resolveSessionOptions({ ...given, executionProviders: [...given.executionProviders] }, machine);
  for (const [key, value] of Object.entries(given)) assert.deepEqual(resolved[key as keyof typeof resolved], value, key);
  assert.equal(resolveSessionOptions({ allowSpinning: false }, machine).allowSpinning, false);
  assert.equal(resolveSessionOptions({ intraOpNumThreads: 1 }, machine).intraOpNumThreads, 1);
});

/**
 * The browser runtime's session defaults (src/runtime/session-defaults.ts, applied by src/runtime/web.ts): what
 * reaches onnxruntime-web — `ort.env.wasm.numThreads` and the options of `InferenceSession.create` — when the
 * user says nothing, observed at `create` (stubbed: no WebAssembly is started), and that every explicit option
 * wins. Cross-origin isolation and `navigator.hardwareConcurrency` are set on globalThis as a page would have them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as ort from "onnxruntime-web/wasm";
import type { SessionOptions } from "../../src/runtime/runtime.js";
import { MAX_DEFAULT_WEB_THREADS, resolveWebSessionOptions, resolveWebThreads } from "../../src/runtime/session-defaults.js";
import { type WebRuntimeOptions, webMachine, webRuntime } from "../../src/runtime/web.js";

type Create = typeof ort.InferenceSession.create;
const created: ort.InferenceSession.SessionOptions[] = [];
const originalCreate: Create = ort.InferenceSession.create;
const scope = globalThis as { crossOriginIsolated?: boolean; navigator?: unknown };
const original = { navigator: Object.getOwnPropertyDescriptor(globalThis, "navigator"), isolated: scope.crossOriginIsolated };

before(() => {
  ort.InferenceSession.create = (async (_model: unknown, options: ort.InferenceSession.SessionOptions) => {
    created.push(options);
    return { inputNames: ["input_ids"], outputNames: ["logits"], release: async () => {} } as unknown as ort.InferenceSession;
  }) as Create;
});
after(() => {
  ort.InferenceSession.create = originalCreate;
  if (original.isolated === undefined) delete scope.crossOriginIsolated;
  else scope.crossOriginIsolated = original.isolated;
  if (original.navigator) Object.defineProperty(globalThis, "navigator", original.navigator);
  else delete scope.navigator;
});

function setMachine(isolated: boolean | undefined, logicalCores: number | undefined): void {
  scope.crossOriginIsolated = isolated;
  Object.defineProperty(globalThis, "navigator", { value: logicalCores === undefined ? undefined : { hardwareConcurrency: logicalCores }, configurable: true, writable: true });
}

/** Options and thread count as the web runtime hands them to onnxruntime-web. */
async function asCreated(runtime: Omit<WebRuntimeOptions, "device">, session: SessionOptions = {}): Promise<{ options: ort.InferenceSession.SessionOptions; numThreads: unknown }> {
  created.length = 0;
  ort.env.wasm.numThreads = undefined;
  await webRuntime(runtime).createSession(new Uint8Array([8, 1]), session);
  assert.equal(created.length, 1, "one onnxruntime-web session");
  return { options: created[0] as ort.InferenceSession.SessionOptions, numThreads: ort.env.wasm.numThreads };
}

test("no options, isolated page on 8 logical cores: 4 WASM threads, graph optimisation all, sequential, WASM provider", async () => {
  setMachine(true, 8);
  assert.deepEqual(webMachine(), { logicalCores: 8, crossOriginIsolated: true });
  const { options, numThreads } = await asCreated({});
  assert.equal(numThreads, 4);
  // logSeverityLevel 4: "fatal", Node's default too (ORT's error lines repeat the exceptions gliner-ts wraps).
  assert.deepEqual({ ...options }, { graphOptimizationLevel: "all", logSeverityLevel: 4, executionMode: "sequential", executionProviders: ["wasm"] });
  assert.equal(options.enableCpuMemArena, undefined, "the arena stays onnxruntime-web's (off)");
});

test("no options: one thread without cross-origin isolation; half the logical cores rounded up, at most 4, with it", async () => {
  setMachine(false, 16);
  assert.equal((await asCreated({})).numThreads, 1, "no SharedArrayBuffer, no threads");
  setMachine(undefined, undefined);
  assert.equal((await asCreated({})).numThreads, 1, "a scope without the globals (not a browser)");
  setMachine(true, 3);
  assert.equal((await asCreated({})).numThreads, 2);
  setMachine(true, 32);
  assert.equal((await asCreated({})).numThreads, MAX_DEFAULT_WEB_THREADS);
  assert.equal(resolveWebThreads(undefined, { logicalCores: 1, crossOriginIsolated: true }), 1);
  assert.equal(resolveWebThreads(undefined, { logicalCores: 0, crossOriginIsolated: true }), 1);
});

test("every explicit option reaches onnxruntime-web unchanged: session.intraOpNumThreads (or the deprecated numThreads) and session options", async (t) => {
  const warnings: string[] = [];
  t.mock.method(process, "emitWarning", (message: string) => void warnings.push(message));
  setMachine(true, 8);
  const given = { graphOptimizationLevel: "basic", executionMode: "parallel", executionProviders: ["webgpu"], enableCpuMemArena: true, enableMemPattern: false } as const;
  const { options, numThreads } = await asCreated({}, { ...given, executionProviders: [...given.executionProviders], logLevel: "warning", intraOpNumThreads: 7 });
  assert.equal(numThreads, 7);
  assert.equal(options.logSeverityLevel, 2);
  for (const [key, value] of Object.entries(given)) assert.deepEqual(options[key as keyof typeof options], value, key);
  // An explicit thread count wins even where the default would be 1 (ORT itself then warns and uses one).
  setMachine(false, 8);
  assert.equal((await asCreated({}, { intraOpNumThreads: 2 })).numThreads, 2);
  assert.deepEqual(warnings, [], "the setting's one name warns of nothing");
  assert.equal((await asCreated({ numThreads: 3 })).numThreads, 3, "the deprecated web option still works");
  assert.equal((await asCreated({ numThreads: 1 }, { intraOpNumThreads: 3 })).numThreads, 3, "session.intraOpNumThreads wins over it");
  assert.equal(warnings.length, 1, "one deprecation warning per process");
  assert.match(String(warnings[0]), /numThreads is deprecated; pass session: \{ intraOpNumThreads \}/);
  assert.equal(resolveWebThreads(6, { logicalCores: 2, crossOriginIsolated: true }), 6);
});

test("WebGPU's default providers: WebGPU, then WASM for the operators it lacks", () => {
  assert.deepEqual(resolveWebSessionOptions({}, ["webgpu", "wasm"]).executionProviders, ["webgpu", "wasm"]);
  assert.deepEqual(resolveWebSessionOptions({ executionProviders: ["wasm"] }, ["webgpu", "wasm"]).executionProviders, ["wasm"]);
});

/** ONNX Runtime settings: the tuning knobs change speed, never results; a missing CUDA provider is explained. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { GLiNER, ModelLoadError } from "../../src/node.js";
import type { SessionOptions } from "../../src/runtime/runtime.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

const TEXTS = ["Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975.", "Tim Cook leads Apple in Cupertino."];
const LABELS = ["person", "organization", "location", "date"];

test("threads, spinning, arena and optimisation level leave the entities unchanged", async () => {
  const reference = await GLiNER.fromPretrained(SPAN_MODEL);
  const expected = await reference.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3 });
  await reference.dispose();
  const variants: SessionOptions[] = [
    { intraOpNumThreads: 1, allowSpinning: false },
    { allowSpinning: true, enableMemPattern: false },
    { graphOptimizationLevel: "extended", enableCpuMemArena: false },
  ];
  for (const session of variants) {
    const model = await GLiNER.fromPretrained(SPAN_MODEL, { session });
    assertSameEntities(await model.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3 }), expected, JSON.stringify(session));
    await model.dispose();
  }
});

test("asking for CUDA without the CUDA provider installed says how to install it", async (t) => {
  const binaries = join(dirname(createRequire(import.meta.url).resolve("onnxruntime-node")), "..", "bin", "napi-v6", process.platform, process.arch);
  if (process.platform !== "linux" || existsSync(join(binaries, "libonnxruntime_providers_cuda.so"))) {
    t.skip(`the CUDA provider is installed (or not Linux): ${binaries}`);
    return;
  }
  for (const session of [{ executionProviders: ["cuda"] }, { executionProviders: ["cuda"], workers: 2 }]) {
    await assert.rejects(
      GLiNER.fromPretrained(SPAN_MODEL, { session }),
      (e: unknown) => e instanceof ModelLoadError && /onnxruntime-node-install=cuda12/.test(e.message),
    );
  }
});

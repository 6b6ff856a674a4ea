/**
 * Hostile pytorch_model.bin files (written byte by byte here) are refused with GlinerError
 * "UNSAFE_CHECKPOINT", and nothing in them runs.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { GlinerError } from "../../src/errors.js";
import { convertCheckpoint } from "../../src/convert/index.js";
import { loadPickle } from "../../src/convert/pickle.js";
import { PickleWriter, stateDictPickle, zipStored } from "./checkpoint-writers.js";
import { FIXTURES } from "./golden-run.js";

const work = mkdtempSync(join(tmpdir(), "gliner-unsafe-"));
after(() => rmSync(work, { recursive: true, force: true }));
const marker = join(work, "pwned");

function checkpointFolder(name: string, pickle: Uint8Array): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(FIXTURES, "models", "span-markerv0", "gliner_config.json"), join(dir, "gliner_config.json"));
  const storage = new Uint8Array(16);
  writeFileSync(
    join(dir, "pytorch_model.bin"),
    zipStored([
      { name: "archive/data.pkl", data: pickle },
      { name: "archive/data/0", data: storage },
      { name: "archive/version", data: Buffer.from("3\n") },
    ]),
  );
  return dir;
}

function isUnsafe(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof GlinerError, `expected a GlinerError, got ${String(error)}`);
    assert.equal(error.code, "UNSAFE_CHECKPOINT");
    assert.match(error.message, pattern);
    return true;
  };
}

const legitEntry = { name: "w", key: "0", numel: 4, offset: 0, shape: [2, 2], stride: [2, 1] };

const hostile: { name: string; pickle: Uint8Array; message: RegExp }[] = [
  {
    name: "GLOBAL posix.system + REDUCE",
    pickle: new PickleWriter().proto(2).global("posix", "system").str(`touch ${marker}`).op(0x85).reduce().stop().finish(),
    message: /posix\.system/,
  },
  {
    name: "STACK_GLOBAL builtins.eval + REDUCE",
    pickle: new PickleWriter().proto(4).str("builtins").str("eval").op(0x93).str(`open(${JSON.stringify(marker)}, "w")`).op(0x85).reduce().stop().finish(),
    message: /builtins\.eval/,
  },
  {
    name: "os.system hidden after a legitimate tensor inside the state dict",
    pickle: (() => {
      const legit = stateDictPickle([legitEntry]);
      // drop SETITEMS + STOP, append a hostile value under a second key, then close the dict
      const body = legit.subarray(0, legit.length - 2);
      const tail = new PickleWriter().str("evil").global("os", "system").str(`touch ${marker}`).op(0x85).reduce().op(0x75).stop().finish();
      return Uint8Array.from([...body, ...tail]);
    })(),
    message: /os\.system/,
  },
  {
    name: "a storage type called as a function",
    pickle: new PickleWriter().proto(2).global("torch", "FloatStorage").op(0x29).reduce().stop().finish(),
    message: /torch\.FloatStorage/,
  },
  {
    name: "a persistent id whose storage type is an arbitrary global",
    pickle: new PickleWriter().proto(2).mark().str("storage").global("subprocess", "Popen").str("0").str("cpu").int(4).tuple().op(0x51).stop().finish(),
    message: /subprocess\.Popen/,
  },
  {
    name: "INST opcode (protocol 0 object creation)",
    pickle: Uint8Array.from([0x28, ...Buffer.from(`iposix\nsystem\n`), 0x2e]),
    message: /opcode 0x69/,
  },
  {
    name: "NEWOBJ opcode",
    pickle: new PickleWriter().proto(2).global("collections", "OrderedDict").op(0x29).op(0x81).stop().finish(),
    message: /opcode 0x81/,
  },
];

for (const h of hostile) {
  test(`refuses ${h.name}, executes nothing`, async () => {
    const dir = checkpointFolder(h.name.replace(/\W+/g, "_"), h.pickle);
    const out = join(dir, "out");
    await assert.rejects(convertCheckpoint(dir, out, { weights: "pytorch" }), isUnsafe(h.message));
    assert.throws(() => loadPickle(h.pickle), isUnsafe(h.message));
    assert.equal(existsSync(marker), false, "the pickle's payload must not run");
    assert.equal(existsSync(join(out, "onnx", "model.onnx")), false, "no model is written");
  });
}

test("the legitimate state-dict pickle written by the same helpers loads", () => {
  const dict = loadPickle(stateDictPickle([legitEntry]));
  assert.ok(dict instanceof Map);
  assert.deepEqual(dict.get("w"), {
    kind: "tensor",
    storage: { kind: "storage", dtype: "F32", key: "0", numel: 4 },
    offset: 0,
    shape: [2, 2],
    stride: [2, 1],
  });
});

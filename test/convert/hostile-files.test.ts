/**
 * Hostile checkpoint corpus (issue 16), generated here byte by byte (no committed binaries): every malformed
 * safetensors / torch zip / pickle must end in a typed GlinerError from the reader, before any tensor memory
 * is sized from the file, and the converter CLI must exit with its documented "model" code (3), not crash.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { after, test } from "node:test";
import { isGlinerError } from "../../src/errors.js";
import { readSafetensors } from "../../src/convert/safetensors.js";
import { readTorchCheckpoint } from "../../src/convert/torch-checkpoint.js";
import type { Checkpoint } from "../../src/convert/weights.js";
import { runCli } from "../helpers/cli.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";
import { PickleWriter, stateDictPickle, torchCheckpoint, zipStored } from "./checkpoint-writers.js";

const work = mkdtempSync(join(tmpdir(), "gliner-hostile-files-"));
after(() => rmSync(work, { recursive: true, force: true }));

const TENSOR = { name: "w", shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) };

/** A safetensors file with the given header object and data bytes. */
function rawSafetensors(header: unknown, data = Buffer.alloc(16), headerLength?: number): Buffer {
  const json = Buffer.from(typeof header === "string" ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerLength ?? json.length));
  return Buffer.concat([len, json, data]);
}
const entry = (over: Record<string, unknown>) => ({ w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16], ...over } });

/** Offsets of every central-directory record of a zip. */
function centralRecords(zip: Buffer): number[] {
  const out: number[] = [];
  for (let i = zip.length - 22; i >= 0; i--) if (zip.readUInt32LE(i) === 0x02014b50) out.push(i);
  return out.reverse();
}
function patchCentral(zip: Buffer, edit: (buf: Buffer, record: number) => void): Buffer {
  const copy = Buffer.from(zip);
  for (const record of centralRecords(copy)) edit(copy, record);
  return copy;
}
/** A one-entry zip whose data.pkl is deflated, declaring `declared` bytes uncompressed. */
function deflatedZip(content: Buffer, declared: number): Buffer {
  const name = Buffer.from("archive/data.pkl");
  const packed = deflateRawSync(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26);
  const cd = Buffer.alloc(46);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(8, 10);
  cd.writeUInt32LE(packed.length, 20);
  cd.writeUInt32LE(declared, 24);
  cd.writeUInt16LE(name.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + name.length, 12);
  eocd.writeUInt32LE(30 + name.length + packed.length, 16);
  return Buffer.concat([local, name, packed, cd, name, eocd]);
}
function torchWith(pickle: Uint8Array, storage = Buffer.from(TENSOR.data.buffer)): Buffer {
  return zipStored([
    { name: "archive/data.pkl", data: pickle },
    { name: "archive/data/0", data: storage },
  ]);
}
const view = (over: Partial<{ numel: number; offset: number; shape: number[]; stride: number[]; key: string }>) =>
  stateDictPickle([{ name: "w", key: "0", numel: 4, offset: 0, shape: [2, 2], stride: [2, 1], ...over }]);

const CASES: [name: string, kind: "safetensors" | "torch", bytes: () => Buffer][] = [
  ["safetensors: header length past the end", "safetensors", () => rawSafetensors(entry({}), Buffer.alloc(16), 1 << 20)],
  ["safetensors: header is null", "safetensors", () => rawSafetensors("null")],
  ["safetensors: header is an array", "safetensors", () => rawSafetensors("[1,2]")],
  ["safetensors: header is not JSON", "safetensors", () => rawSafetensors("{\"w\": \xff")],
  ["safetensors: tensor description is a number", "safetensors", () => rawSafetensors({ w: 7 })],
  ["safetensors: negative shape", "safetensors", () => rawSafetensors(entry({ shape: [-2, -2] }))],
  ["safetensors: shape is a string", "safetensors", () => rawSafetensors(entry({ shape: "2x2" }))],
  ["safetensors: shape of 2^40 elements", "safetensors", () => rawSafetensors(entry({ shape: [2 ** 20, 2 ** 20] }))],
  ["safetensors: fractional shape", "safetensors", () => rawSafetensors(entry({ shape: [2.5, 2] }))],
  ["safetensors: negative data_offsets", "safetensors", () => rawSafetensors(entry({ data_offsets: [-16, 0], shape: [4] }))],
  ["safetensors: data_offsets reversed", "safetensors", () => rawSafetensors(entry({ data_offsets: [16, 0] }))],
  ["safetensors: data_offsets past the end", "safetensors", () => rawSafetensors(entry({ data_offsets: [0, 1 << 30] }))],
  ["safetensors: data_offsets missing", "safetensors", () => rawSafetensors(entry({ data_offsets: undefined }))],
  ["safetensors: overlapping tensors", "safetensors", () => rawSafetensors({ ...entry({}), v: { dtype: "F32", shape: [2], data_offsets: [8, 16] } })],
  ["safetensors: every tensor at offset 0", "safetensors", () => rawSafetensors({ ...entry({}), v: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] } })],
  ["safetensors: dtype is an object", "safetensors", () => rawSafetensors(entry({ dtype: {} }))],
  ["safetensors: unknown dtype", "safetensors", () => rawSafetensors(entry({ dtype: "F8_E4M3" }))],
  ["safetensors: bytes do not match shape", "safetensors", () => rawSafetensors(entry({ shape: [3, 3] }), Buffer.alloc(64))],
  ["safetensors: empty file", "safetensors", () => Buffer.alloc(0)],
  ["zip: central sizes 0xFFFFFFF0", "torch", () => patchCentral(torchCheckpoint([TENSOR]), (b, r) => (b.writeUInt32LE(0xfffffff0, r + 20), b.writeUInt32LE(0xfffffff0, r + 24)))],
  ["zip: local header offset past the end", "torch", () => patchCentral(torchCheckpoint([TENSOR]), (b, r) => b.writeUInt32LE(0x7ffffff0, r + 42))],
  ["zip: entry count larger than the directory", "torch", () => { const z = torchCheckpoint([TENSOR]); z.writeUInt16LE(0xffff, z.length - 12); return z; }],
  ["zip: unknown compression method", "torch", () => patchCentral(torchCheckpoint([TENSOR]), (b, r) => b.writeUInt16LE(12, r + 10))],
  ["zip: stored sizes disagree", "torch", () => patchCentral(torchCheckpoint([TENSOR]), (b, r) => b.writeUInt32LE(b.readUInt32LE(r + 24) + 1, r + 24))],
  ["zip: bomb (1 MB of zeros declared as 2 GB)", "torch", () => deflatedZip(Buffer.alloc(1 << 20), 0x7fffffff)],
  ["zip: bomb past its declared size", "torch", () => deflatedZip(Buffer.alloc(1 << 20), 1000)],
  ["zip: truncated extra field", "torch", () => patchCentral(torchCheckpoint([TENSOR]), (b, r) => b.writeUInt16LE(0xffff, r + 30))],
  ["zip: bogus ZIP64 locator", "torch", () => {
    const z = torchCheckpoint([TENSOR]);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(2n ** 62n, 8);
    return Buffer.concat([z.subarray(0, z.length - 22), locator, z.subarray(z.length - 22)]);
  }],
  ["pickle: invalid UTF-8 string", "torch", () => torchWith(new PickleWriter().proto(2).op(0x8c).op(2).op(0xff).op(0xfe).stop().finish())],
  ["pickle: truncated", "torch", () => torchWith(view({}).subarray(0, 40))],
  ["pickle: negative shape", "torch", () => torchWith(view({ shape: [-2, 2] }))],
  ["pickle: strides do not fit the shape", "torch", () => torchWith(view({ stride: [1] }))],
  ["pickle: view past the storage", "torch", () => torchWith(view({ offset: 1000 }))],
  ["pickle: negative storage offset", "torch", () => torchWith(view({ offset: -4 }))],
  ["pickle: missing storage", "torch", () => torchWith(view({ key: "9" }))],
  ["pickle: os.system global", "torch", () => torchWith(new PickleWriter().proto(2).global("os", "system").stop().finish())],
];

/** Opens the file and reads every tensor, as the converter would. */
async function readAll(path: string, kind: "safetensors" | "torch"): Promise<void> {
  const checkpoint: Checkpoint = kind === "safetensors" ? await readSafetensors(path) : await readTorchCheckpoint(path);
  try {
    for (const tensor of checkpoint.tensors.values()) await tensor.read();
  } finally {
    await checkpoint.close();
  }
}

test("every hostile checkpoint is refused with a typed GlinerError (tried / typed / crash table)", async () => {
  const rows: { file: string; outcome: string }[] = [];
  for (const [name, kind, bytes] of CASES) {
    const path = join(work, `${rows.length}.${kind === "safetensors" ? "safetensors" : "bin"}`);
    writeFileSync(path, bytes());
    try {
      await readAll(path, kind);
      rows.push({ file: name, outcome: "accepted" });
    } catch (error) {
      rows.push({ file: name, outcome: isGlinerError(error) ? `typed ${error.code}` : `crash ${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  const typed = rows.filter((r) => r.outcome.startsWith("typed")).length;
  console.log(`hostile files: tried ${rows.length}, typed ${typed}, crash ${rows.length - typed}`);
  assert.deepEqual(rows.filter((r) => !r.outcome.startsWith("typed")), []);
});

test("the converter CLI exits 3 (model) on a crafted pytorch_model.bin and on an unsafe pickle, without aborting", async () => {
  for (const [name, bytes] of [
    ["sizes", patchCentral(torchCheckpoint([TENSOR]), (b, r) => (b.writeUInt32LE(0xfffffff0, r + 20), b.writeUInt32LE(0xfffffff0, r + 24)))],
    ["unsafe", torchWith(new PickleWriter().proto(2).global("os", "system").stop().finish())],
  ] as const) {
    const folder = join(work, `cli-${name}`);
    mkdirSync(folder, { recursive: true });
    for (const file of ["gliner_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"]) {
      copyFileSync(join(TOKEN_MODEL, file), join(folder, file));
    }
    writeFileSync(join(folder, "pytorch_model.bin"), bytes);
    const result = await runCli(["convert", folder, "--out", join(work, `out-${name}`)]);
    assert.equal(result.code, 3, `${name}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /Assertion failed|at .*\.ts:\d+/);
  }
});

// Interrupted transfers, Range resume, and the integrity checks that keep half or wrong files out of blobs/.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { HubError } from "../../src/errors.js";
import { downloadHubFile } from "../../src/runtime/node-hub.js";
import { REPO, setupHub } from "./setup.js";

const FILE = "pytorch_model.bin";
const HALF = 1_000_000;
/** Small enough that every one of the in-call resume attempts is cut off too. */
const SLICE = 100_000;

test("a transfer cut off half way is resumed with Range in the same call", async (t) => {
  const hub = await setupHub(t, { cutoff: { file: FILE, afterBytes: HALF, times: 1 } });
  const local = await downloadHubFile(REPO, FILE, hub.options);
  assert.deepEqual(await fs.readFile(local!), await hub.source(FILE));
  const gets = hub.requestsFor(FILE, "GET");
  assert.equal(gets.length, 2);
  assert.equal(gets[0]!.headers.range, undefined);
  assert.match(gets[1]!.headers.range ?? "", /^bytes=[1-9]\d*-$/);
});

test("a download that keeps failing leaves blobs/{etag}.incomplete, and the next call resumes it", async (t) => {
  const hub = await setupHub(t, { cutoff: { file: FILE, afterBytes: SLICE, times: 100 } });
  const blob = path.join(hub.storage, "blobs", hub.server.blobEtag(FILE));
  await assert.rejects(downloadHubFile(REPO, FILE, hub.options), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.match(error.message, /Could not download "pytorch_model\.bin"/);
    return true;
  });
  await assert.rejects(fs.access(blob), "no final blob after a failure");
  const partial = (await fs.stat(`${blob}.incomplete`)).size;
  assert.ok(partial > 0 && partial < (await hub.source(FILE)).length, `partial size ${partial}`);

  hub.server.options.cutoff = undefined;
  hub.server.requests.length = 0;
  const local = await downloadHubFile(REPO, FILE, hub.options);
  assert.deepEqual(await fs.readFile(local!), await hub.source(FILE));
  const gets = hub.requestsFor(FILE, "GET");
  assert.equal(gets.length, 1);
  assert.equal(gets[0]!.headers.range, `bytes=${partial}-`);
  await assert.rejects(fs.access(`${blob}.incomplete`), "the incomplete file became the blob");
});

test("a server that ignores Range gets the file from zero", async (t) => {
  const hub = await setupHub(t, { ignoreRange: true });
  const blob = path.join(hub.storage, "blobs", hub.server.blobEtag(FILE));
  await fs.mkdir(path.dirname(blob), { recursive: true });
  await fs.writeFile(`${blob}.incomplete`, Buffer.alloc(1234, 7)); // garbage that must not survive
  const local = await downloadHubFile(REPO, FILE, hub.options);
  assert.equal(hub.requestsFor(FILE, "GET")[0]!.headers.range, "bytes=1234-");
  assert.deepEqual(await fs.readFile(local!), await hub.source(FILE));
});

test("a size mismatch is rejected and never becomes a blob", async (t) => {
  const file = "tokenizer.json"; // a git (non-LFS) file: only the size can be checked
  const size = (await (await setupHub(t)).source(file)).length;
  const hub = await setupHub(t, { announcedSizes: { [file]: size + 10 } });
  await assert.rejects(downloadHubFile(REPO, file, hub.options), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.match(error.message, new RegExp(`corrupt: got ${size} bytes, expected ${size + 10}`));
    return true;
  });
  const blobs = await fs.readdir(path.join(hub.storage, "blobs"));
  assert.deepEqual(blobs, [], "neither a blob nor an .incomplete file is left");
  await assert.rejects(fs.access(path.join(hub.storage, "snapshots", hub.server.commit, file)));
});

test("an LFS file whose bytes do not match its sha256 etag is rejected", async (t) => {
  const hub = await setupHub(t, { corrupt: ["model.safetensors"] });
  await assert.rejects(downloadHubFile(REPO, "model.safetensors", hub.options), /sha256 [0-9a-f]{64} does not match/);
  assert.deepEqual(await fs.readdir(path.join(hub.storage, "blobs")), []);
  hub.server.options.corrupt = [];
  const local = await downloadHubFile(REPO, "model.safetensors", hub.options);
  assert.deepEqual(await fs.readFile(local!), await hub.source("model.safetensors"));
});

test("a resumed LFS download is still verified against the sha256 of the whole file", async (t) => {
  const hub = await setupHub(t, { cutoff: { file: "model.safetensors", afterBytes: SLICE, times: 100 } });
  await assert.rejects(downloadHubFile(REPO, "model.safetensors", hub.options), HubError);
  const blob = path.join(hub.storage, "blobs", hub.server.blobEtag("model.safetensors"));
  // Spoil the kept prefix: the resumed tail is fine, so only hashing the prefix too can catch it.
  const handle = await fs.open(`${blob}.incomplete`, "r+");
  await handle.write(Buffer.from([0xff, 0xff]), 0, 2, 10);
  await handle.close();
  hub.server.options.cutoff = undefined;
  await assert.rejects(downloadHubFile(REPO, "model.safetensors", hub.options), /does not match/);
  await assert.rejects(fs.access(blob));
});

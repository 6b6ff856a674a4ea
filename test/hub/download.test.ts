// downloadHubFile: the huggingface_hub cache layout, cache reuse, offline mode, redirects, progress.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { HubError } from "../../src/errors.js";
import type { DownloadProgress } from "../../src/model/hub.js";
import { downloadHubFile } from "../../src/runtime/node-hub.js";
import { startHubServer } from "../helpers/hub-server.js";
import { REPO, noNetwork, setupHub } from "./setup.js";

test("first download lands in the HF layout: refs/main, blobs/{etag}, snapshot symlink", async (t) => {
  const hub = await setupHub(t);
  const { commit } = hub.server;
  for (const file of ["gliner_config.json", "onnx/model.onnx"]) {
    const local = await downloadHubFile(REPO, file, hub.options);
    assert.equal(local, path.join(hub.storage, "snapshots", commit, ...file.split("/")));
    assert.deepEqual(await fs.readFile(local!), await hub.source(file));
    const etag = hub.server.blobEtag(file);
    assert.ok((await fs.lstat(local!)).isSymbolicLink(), `${file} is a symlink`);
    assert.equal(await fs.readlink(local!), path.relative(path.dirname(local!), path.join(hub.storage, "blobs", etag)));
    assert.deepEqual(await fs.readFile(path.join(hub.storage, "blobs", etag)), await hub.source(file));
  }
  // The LFS file's blob is named by its sha256 (X-Linked-Etag), not by the pointer's ETag.
  assert.match(hub.server.blobEtag("onnx/model.onnx"), /^[0-9a-f]{64}$/);
  assert.equal(await fs.readFile(path.join(hub.storage, "refs", "main"), "utf8"), commit);
  const blobs = await fs.readdir(path.join(hub.storage, "blobs"));
  assert.deepEqual(blobs.sort(), [hub.server.blobEtag("gliner_config.json"), hub.server.blobEtag("onnx/model.onnx")].sort());
});

test("a cached file costs one HEAD and no GET", async (t) => {
  const hub = await setupHub(t);
  const first = await downloadHubFile(REPO, "tokenizer.json", hub.options);
  assert.equal(hub.requestsFor("tokenizer.json", "GET").length, 1);
  hub.server.requests.length = 0;
  const second = await downloadHubFile(REPO, "tokenizer.json", hub.options);
  assert.equal(second, first);
  assert.deepEqual(hub.server.requests.map((r) => r.method), ["HEAD"]);
});

test("a blob shared by another snapshot is linked, not downloaded again", async (t) => {
  const hub = await setupHub(t);
  await downloadHubFile(REPO, "tokenizer.json", hub.options);
  const snapshot = path.join(hub.storage, "snapshots", hub.server.commit);
  await fs.rm(snapshot, { recursive: true });
  hub.server.requests.length = 0;
  const again = await downloadHubFile(REPO, "tokenizer.json", hub.options);
  assert.deepEqual(await fs.readFile(again!), await hub.source("tokenizer.json"));
  assert.equal(hub.requestsFor("tokenizer.json", "GET").length, 0);
});

test("offline mode (localFilesOnly) resolves refs/main without network; a miss says how to fix it", async (t) => {
  const hub = await setupHub(t);
  const online = await downloadHubFile(REPO, "gliner_config.json", hub.options);
  const offline = { ...hub.options, localFilesOnly: true, fetch: noNetwork };
  assert.equal(await downloadHubFile(REPO, "gliner_config.json", offline), online);
  await assert.rejects(downloadHubFile(REPO, "tokenizer.json", offline), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.status, undefined);
    assert.match(error.message, /tokenizer\.json.*test-org\/span-markerv0.*not in the cache/);
    assert.match(error.message, /HF_HUB_OFFLINE/);
    return true;
  });
  const otherCache = { ...offline, cacheDir: path.join(hub.cacheDir, "empty") };
  await assert.rejects(downloadHubFile(REPO, "gliner_config.json", otherCache), HubError);
});

test("HF_HUB_OFFLINE=yes in the environment turns offline mode on", async (t) => {
  const hub = await setupHub(t);
  const online = await downloadHubFile(REPO, "gliner_config.json", hub.options);
  process.env.HF_HUB_OFFLINE = "yes"; // setupHub restores the caller's value
  try {
    assert.equal(await downloadHubFile(REPO, "gliner_config.json", { ...hub.options, fetch: noNetwork }), online);
    await assert.rejects(downloadHubFile(REPO, "tokenizer.json", { ...hub.options, fetch: noNetwork }), /not in the cache/);
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

test("a revision given as a commit hash is served from snapshots/ without network", async (t) => {
  const hub = await setupHub(t);
  const { commit } = hub.server;
  const online = await downloadHubFile(REPO, "onnx/model.onnx", { ...hub.options, revision: commit });
  assert.equal(online, path.join(hub.storage, "snapshots", commit, "onnx", "model.onnx"));
  // No ref is written for a commit hash.
  await assert.rejects(fs.access(path.join(hub.storage, "refs", commit)));
  const offline = { ...hub.options, revision: commit, localFilesOnly: true, fetch: noNetwork };
  assert.equal(await downloadHubFile(REPO, "onnx/model.onnx", offline), online);
  // Even online, a cached commit needs no request.
  assert.equal(await downloadHubFile(REPO, "onnx/model.onnx", { ...hub.options, revision: commit, fetch: noNetwork }), online);
  const unknown = { ...offline, revision: "f".repeat(40) };
  await assert.rejects(downloadHubFile(REPO, "onnx/model.onnx", unknown), /not in the cache/);
});

test("when the hub cannot be reached, the cached file of that revision is used", async (t) => {
  const hub = await setupHub(t);
  const cached = await downloadHubFile(REPO, "gliner_config.json", hub.options);
  await hub.server.close();
  assert.equal(await downloadHubFile(REPO, "gliner_config.json", hub.options), cached);
  await assert.rejects(downloadHubFile(REPO, "tokenizer.json", hub.options), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.match(error.message, /Could not download "tokenizer\.json".*ECONNREFUSED/);
    assert.ok(error.cause, "the network error is kept as the cause");
    return true;
  });
});

test("LFS redirects to the CDN are followed with the metadata of the redirect", async (t) => {
  const hub = await setupHub(t, { redirect: { file: "onnx/model.onnx" } });
  const local = await downloadHubFile(REPO, "onnx/model.onnx", hub.options);
  assert.deepEqual(await fs.readFile(local!), await hub.source("onnx/model.onnx"));
  const gets = hub.requestsFor("onnx/model.onnx", "GET");
  assert.equal(gets.length, 1);
  assert.match(gets[0]!.path, /^\/cdn\/test-org\/span-markerv0\//);
  // Named by X-Linked-Etag from the redirect, not the CDN's own ETag.
  await fs.access(path.join(hub.storage, "blobs", hub.server.blobEtag("onnx/model.onnx")));
});

test("Authorization is sent to the hub but not to a CDN on another origin", async (t) => {
  const cdn = await startHubServer();
  t.after(() => cdn.close());
  const hub = await setupHub(t, { token: "hf_secret", redirect: { file: "model.safetensors", to: cdn.url } });
  const local = await downloadHubFile(REPO, "model.safetensors", { ...hub.options, token: "hf_secret" });
  assert.deepEqual(await fs.readFile(local!), await hub.source("model.safetensors"));
  assert.equal(hub.server.requests[0]!.headers.authorization, "Bearer hf_secret");
  assert.equal(cdn.requests.length, 1);
  assert.equal(cdn.requests[0]!.headers.authorization, undefined);
});

test("progress is monotonic and ends at the file size", async (t) => {
  const hub = await setupHub(t);
  const events: DownloadProgress[] = [];
  await downloadHubFile(REPO, "pytorch_model.bin", { ...hub.options, onProgress: (p) => events.push(p) });
  const size = (await hub.source("pytorch_model.bin")).length;
  assert.ok(events.length > 1, "several progress events for a 2.6 MB file");
  for (const [i, e] of events.entries()) {
    assert.equal(e.file, "pytorch_model.bin");
    assert.equal(e.total, size);
    if (i > 0) assert.ok(e.loaded >= events[i - 1]!.loaded, "monotonic");
  }
  assert.equal(events.at(-1)!.loaded, size);
});

test("concurrent calls for one file download it once", async (t) => {
  const hub = await setupHub(t);
  const paths = await Promise.all([1, 2, 3].map(() => downloadHubFile(REPO, "model.safetensors", hub.options)));
  assert.equal(new Set(paths).size, 1);
  assert.deepEqual(await fs.readFile(paths[0]!), await hub.source("model.safetensors"));
  assert.equal(hub.requestsFor("model.safetensors", "GET").length, 1);
  const blobs = await fs.readdir(path.join(hub.storage, "blobs"));
  assert.deepEqual(blobs, [hub.server.blobEtag("model.safetensors")]);
});

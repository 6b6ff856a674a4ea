// Hub errors: tokens, missing repos and files, optional probes, malformed ids.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { HubError, InvalidInputError } from "../../src/errors.js";
import { downloadHubFile } from "../../src/runtime/node-hub.js";
import { REPO, noNetwork, setupHub } from "./setup.js";

test("401 without a token tells the user to set HF_TOKEN; the right token downloads", async (t) => {
  const hub = await setupHub(t, { token: "hf_good" });
  const withoutToken = { ...hub.options, token: undefined };
  // An HF_TOKEN from the developer's shell would be sent (and refused): both paths must name HF_TOKEN.
  await assert.rejects(downloadHubFile(REPO, "gliner_config.json", withoutToken), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.status, 401);
    assert.match(error.message, /HF_TOKEN/);
    assert.match(error.message, /private or gated/);
    return true;
  });
  await assert.rejects(downloadHubFile(REPO, "gliner_config.json", { ...hub.options, token: "hf_bad" }), (error: unknown) => {
    assert.ok(error instanceof HubError && error.status === 401);
    assert.match(error.message, /token that was sent/);
    return true;
  });
  const local = await downloadHubFile(REPO, "gliner_config.json", { ...hub.options, token: "hf_good" });
  assert.deepEqual(await fs.readFile(local!), await hub.source("gliner_config.json"));
  assert.equal(hub.server.requests.at(-1)!.headers.authorization, "Bearer hf_good");
});

test("404 names repo, revision and file; optional files come back undefined", async (t) => {
  const hub = await setupHub(t);
  await assert.rejects(downloadHubFile(REPO, "missing.json", hub.options), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.status, 404);
    assert.match(error.message, /"missing\.json" not found in test-org\/span-markerv0 at revision main/);
    assert.ok(error.url?.endsWith("/test-org/span-markerv0/resolve/main/missing.json"));
    return true;
  });
  assert.equal(await downloadHubFile(REPO, "missing.json", { ...hub.options, optional: true }), undefined);
  // The absence is remembered like huggingface_hub does, so offline probes answer too.
  await fs.access(path.join(hub.storage, ".no_exist", hub.server.commit, "missing.json"));
  const offline = { ...hub.options, optional: true, localFilesOnly: true, fetch: noNetwork };
  assert.equal(await downloadHubFile(REPO, "missing.json", offline), undefined);
});

test("optional probes still fail for an unknown repo or revision", async (t) => {
  const hub = await setupHub(t);
  await assert.rejects(downloadHubFile("test-org/nope", "added_tokens.json", { ...hub.options, optional: true }), (error: unknown) => {
    assert.ok(error instanceof HubError && error.status === 404);
    assert.match(error.message, /repo test-org\/nope not found/);
    return true;
  });
  const badRevision = { ...hub.options, optional: true, revision: "v9" };
  await assert.rejects(downloadHubFile(REPO, "added_tokens.json", badRevision), /revision v9 not found/);
});

test("offline, an optional file is absent when its commit is cached without it", async (t) => {
  const hub = await setupHub(t);
  await downloadHubFile(REPO, "gliner_config.json", hub.options);
  const offline = { ...hub.options, localFilesOnly: true, fetch: noNetwork };
  assert.equal(await downloadHubFile(REPO, "added_tokens.json", { ...offline, optional: true }), undefined);
  await assert.rejects(downloadHubFile(REPO, "added_tokens.json", offline), /not in the cache/);
  // A repo that was never cached is an error even for optional files.
  await assert.rejects(downloadHubFile("test-org/other", "added_tokens.json", { ...offline, optional: true }), /not in the cache/);
});

test("malformed repo ids are rejected before any request", async (t) => {
  const hub = await setupHub(t);
  for (const bad of ["span-markerv0", "a/b/c", "org/../x", "org/na me"]) {
    await assert.rejects(downloadHubFile(bad, "gliner_config.json", hub.options), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError, bad);
      assert.match(error.message, /not a valid hub repo id.*org\/name/);
      return true;
    });
  }
  await assert.rejects(downloadHubFile(REPO, "../etc/passwd", hub.options), InvalidInputError);
  assert.equal(hub.server.requests.length, 0);
});

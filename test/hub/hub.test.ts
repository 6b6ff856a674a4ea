// Runtime-neutral hub helpers: repo ids, URLs, environment, response metadata.
import { test } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { HubError, InvalidInputError } from "../../src/errors.js";
import {
  checkFileMetadata,
  hubEnv,
  hubFileUrl,
  parseRepoId,
  readFileMetadata,
  repoFolderName,
  resolveHubSettings,
} from "../../src/model/hub.js";
import { defaultHubCacheDir } from "../../src/runtime/node-hub.js";

test("parseRepoId accepts org/name ids", () => {
  assert.deepEqual(parseRepoId("onnx-community/gliner-multitask-large-v0.5"), {
    id: "onnx-community/gliner-multitask-large-v0.5",
    org: "onnx-community",
    name: "gliner-multitask-large-v0.5",
  });
  assert.equal(repoFolderName(parseRepoId("urchade/gliner_small-v2.1")), "models--urchade--gliner_small-v2.1");
});

test("parseRepoId rejects malformed ids with a fix hint", () => {
  for (const bad of ["gliner", "a/b/c", "a/../b", "org/na..me", "org/na--me", "/name", "org/", "org/na me", "org/-x", ".org/x", "", "org/x.git/"]) {
    assert.throws(
      () => parseRepoId(bad),
      (error: unknown) =>
        error instanceof InvalidInputError && error.argument === "model" && /"org\/name"/.test(error.message),
      bad,
    );
  }
});

test("hubFileUrl encodes the revision fully and keeps / in file paths", () => {
  assert.equal(
    hubFileUrl("org/model", "onnx/model.onnx", { endpoint: "https://hub.example/", revision: "refs/pr/1" }),
    "https://hub.example/org/model/resolve/refs%2Fpr%2F1/onnx/model.onnx",
  );
  assert.equal(
    hubFileUrl("org/model", "dir/a b#.json", { endpoint: "https://huggingface.co" }),
    "https://huggingface.co/org/model/resolve/main/dir/a%20b%23.json",
  );
  assert.throws(() => hubFileUrl("org/model", "../secret", { endpoint: "https://x" }), InvalidInputError);
  assert.throws(() => hubFileUrl("org/model", "a//b", { endpoint: "https://x" }), InvalidInputError);
  assert.throws(() => hubFileUrl("org/model", "a.json", { endpoint: "https://x", revision: "../main" }), InvalidInputError);
});

test("hubEnv reads HF_ENDPOINT, HF_TOKEN and the truthy spellings of HF_HUB_OFFLINE", () => {
  for (const on of ["1", "true", "YES", "On"]) assert.equal(hubEnv({ HF_HUB_OFFLINE: on }).offline, true, on);
  for (const off of ["0", "false", "", "no"]) assert.equal(hubEnv({ HF_HUB_OFFLINE: off }).offline, false, off);
  const env = hubEnv({ HF_ENDPOINT: "https://mirror.example", HF_TOKEN: " hf_abc ", HF_HUB_ETAG_TIMEOUT: "3" });
  assert.equal(env.endpoint, "https://mirror.example");
  assert.equal(env.token, "hf_abc");
  assert.equal(env.metadataTimeoutMs, 3000);
  assert.equal(hubEnv({ HUGGING_FACE_HUB_TOKEN: "old" }).token, "old");
  assert.equal(hubEnv({}).endpoint, undefined);
});

test("resolveHubSettings: options win over the environment, HF_HUB_OFFLINE forces offline", () => {
  const env = hubEnv({ HF_ENDPOINT: "https://mirror.example/", HF_TOKEN: "env-token" });
  const s = resolveHubSettings({ token: "opt-token", revision: "v1" }, env);
  assert.equal(s.endpoint, "https://mirror.example");
  assert.equal(s.token, "opt-token");
  assert.equal(s.revision, "v1");
  assert.equal(s.offline, false);
  assert.equal(resolveHubSettings({}, env).token, "env-token");
  assert.equal(resolveHubSettings({}, hubEnv({})).endpoint, "https://huggingface.co");
  assert.equal(resolveHubSettings({}, hubEnv({})).revision, "main");
  assert.equal(resolveHubSettings({ localFilesOnly: true }, hubEnv({})).offline, true);
  assert.equal(resolveHubSettings({ localFilesOnly: false }, hubEnv({ HF_HUB_OFFLINE: "1" })).offline, true);
});

test("readFileMetadata prefers X-Linked-Etag and X-Linked-Size and strips quotes", () => {
  const sha = "a".repeat(64);
  const lfs = new Headers({ etag: '"pointer"', "x-linked-etag": `"${sha}"`, "x-linked-size": "42", "content-length": "7", "x-repo-commit": "c".repeat(40) });
  assert.deepEqual(readFileMetadata(lfs, false), { commit: "c".repeat(40), etag: sha, size: 42 });
  const plain = new Headers({ etag: 'W/"abc"', "content-length": "7" });
  assert.deepEqual(readFileMetadata(plain, false), { commit: undefined, etag: "abc", size: 7 });
  // A redirect's Content-Length describes the redirect, not the file.
  assert.equal(readFileMetadata(plain, true).size, undefined);
  assert.throws(() => checkFileMetadata({ etag: "abc" }, "http://x/f"), HubError);
  assert.throws(() => checkFileMetadata({ etag: "../../x", commit: "c".repeat(40) }, "http://x/f"), HubError);
});

test("defaultHubCacheDir follows huggingface_hub: HF_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME, ~/.cache", () => {
  assert.equal(defaultHubCacheDir({ HF_HUB_CACHE: "/data/hub", HF_HOME: "/hf" }), "/data/hub");
  assert.equal(defaultHubCacheDir({ HF_HOME: "/hf" }), path.join("/hf", "hub"));
  assert.equal(defaultHubCacheDir({ XDG_CACHE_HOME: "/xdg" }), path.join("/xdg", "huggingface", "hub"));
  assert.equal(defaultHubCacheDir({}), path.join(os.homedir(), ".cache", "huggingface", "hub"));
  assert.equal(defaultHubCacheDir({ HF_HOME: "~/hf" }), path.join(os.homedir(), "hf", "hub"));
});

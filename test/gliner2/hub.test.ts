/**
 * GLiNER2.fromPretrained from a hub repo (the local hub stand-in): downloaded into the huggingface_hub cache,
 * then loaded offline from it; a GLiNER repo given to GLiNER2 is the typed wrong-class error; a missing repo is
 * a HubError as for GLiNER.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GLiNER2, HubError, WrongModelClassError } from "../../src/node.js";
import { FIXTURE_MODEL_DIR, type HubServer, startHubServer } from "../helpers/hub-server.js";
import { GLINER2_MODEL } from "./golden-helpers.js";

const TEXT = "Satya Nadella joined Microsoft in 1992.";
let hub: HubServer;
let cacheDir: string;
before(async () => {
  hub = await startHubServer({ repos: { "fastino-test/gliner2-span": GLINER2_MODEL, "test-org/span-markerv0": FIXTURE_MODEL_DIR } });
  cacheDir = await mkdtemp(join(tmpdir(), "gliner2-hub-"));
});
after(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
});

test("a hub repo is downloaded into the cache, then loads offline with the same results", async () => {
  const local = await GLiNER2.fromPretrained(GLINER2_MODEL);
  const expected = await local.extractEntities(TEXT, ["person", "company"], { includeSpans: true });
  await local.dispose();
  const online = await GLiNER2.fromPretrained("fastino-test/gliner2-span", { endpoint: hub.url, cacheDir });
  assert.match(online.source, /^hub:fastino-test\/gliner2-span@main$/);
  assert.deepEqual(await online.extractEntities(TEXT, ["person", "company"], { includeSpans: true }), expected);
  await online.dispose();
  const before = hub.requests.length;
  const offline = await GLiNER2.fromPretrained("fastino-test/gliner2-span", { endpoint: hub.url, cacheDir, localFilesOnly: true });
  assert.equal(hub.requests.length, before, "offline loading touches no network");
  assert.deepEqual(await offline.extractEntities(TEXT, ["person", "company"], { includeSpans: true }), expected);
  await offline.dispose();
});

test("wrong family and missing repos fail as GLiNER's loader does", async () => {
  await assert.rejects(GLiNER2.fromPretrained("test-org/span-markerv0", { endpoint: hub.url, cacheDir }), WrongModelClassError);
  await assert.rejects(GLiNER2.fromPretrained("test-org/missing", { endpoint: hub.url, cacheDir }), HubError);
});

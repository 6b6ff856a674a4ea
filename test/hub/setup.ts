// Shared setup for the hub download tests: a local hub server and a fresh temp cache per test.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import type { HubOptions } from "../../src/model/hub.js";
import { DEFAULT_TEST_REPO, FIXTURE_MODEL_DIR, type HubServer, type HubServerOptions, startHubServer } from "../helpers/hub-server.js";

export const REPO = DEFAULT_TEST_REPO;
export const REPO_FOLDER = "models--test-org--span-markerv0";

export interface HubTest {
  server: HubServer;
  cacheDir: string;
  /** `{cacheDir}/models--test-org--span-markerv0` */
  storage: string;
  options: HubOptions;
  /** The fixture file's bytes. */
  source(file: string): Promise<Buffer>;
  /** Requests to the server for `file`, by method. */
  requestsFor(file: string, method?: string): HubServer["requests"];
}

export async function setupHub(t: TestContext, serverOptions: HubServerOptions = {}): Promise<HubTest> {
  // An HF_HUB_OFFLINE from the developer's shell would turn every online test into an offline one.
  const savedOffline = process.env.HF_HUB_OFFLINE;
  delete process.env.HF_HUB_OFFLINE;
  const server = await startHubServer(serverOptions);
  const cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), "gliner-hub-test-"));
  t.after(async () => {
    if (savedOffline !== undefined) process.env.HF_HUB_OFFLINE = savedOffline;
    await server.close();
    await fs.rm(cacheDir, { recursive: true, force: true });
  });
  return {
    server,
    cacheDir,
    storage: path.join(cacheDir, REPO_FOLDER),
    options: { endpoint: server.url, cacheDir },
    source: (file) => fs.readFile(path.join(FIXTURE_MODEL_DIR, ...file.split("/"))),
    requestsFor: (file, method) =>
      server.requests.filter((r) => decodeURIComponent(r.path).endsWith(`/${file}`) && (!method || r.method === method)),
  };
}

/** A fetch that fails the test if anything tries to use the network. */
export const noNetwork: typeof fetch = async (input) => {
  throw new Error(`unexpected network access: ${String(input)}`);
};

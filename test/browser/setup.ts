/**
 * What the browser tests share: the build (made once if dist-web/ is missing or older than the sources), a
 * loopback static server for dist-web/ and the fixture models, and headless Chromium through playwright-core.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { FIXTURES } from "../helpers/fixtures.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DIST_WEB = path.join(ROOT, "dist-web");

const newestMtime = (p: string): number =>
  statSync(p).isDirectory() ? Math.max(0, ...readdirSync(p).map((n) => newestMtime(path.join(p, n)))) : statSync(p).mtimeMs;

/** Runs `npm run build:web` when dist-web/ is missing or older than the browser sources. */
export function ensureWebBuild(): void {
  const built = path.join(DIST_WEB, "client.js");
  const sources = Math.max(newestMtime(path.join(ROOT, "src")), statSync(path.join(ROOT, "vite.config.ts")).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}

/** Chromium for the tests, or a reason to skip (a failure when CI says chromium is installed). */
export function chromiumPath(): { path: string } | { skip: string } {
  const configured = process.env.GLINER_TEST_CHROMIUM;
  const candidate = configured ?? "/usr/bin/chromium";
  if (existsSync(candidate)) return { path: candidate };
  if (configured !== undefined) throw new Error(`GLINER_TEST_CHROMIUM=${configured} does not exist; install chromium or fix the variable.`);
  return { skip: `no chromium at ${candidate} (set GLINER_TEST_CHROMIUM to run the browser tests)` };
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}

/**
 * A page at the server's root. tsx compiles the test functions given to `page.evaluate` with esbuild's
 * keepNames, which wraps inner functions in `__name(...)`: the page gets an identity `__name` for them.
 */
export async function openTestPage(browser: Browser, serverUrl: string): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript("globalThis.__name = (target) => target;");
  page.on("pageerror", (error) => console.error(`# page error: ${error.message}`));
  await page.goto(`${serverUrl}/`);
  return page;
}

/** `globalThis.testWorker` in a page opened with `worker: true`. */
export type WorkerPageGlobals = { testWorker: import("../../src/web/client.js").GlinerWorker };

export interface BrowserTestPage {
  readonly server: StaticServer;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * The browser suites' set-up: the web build, the static server, Chromium and the test page; with `worker`, the
 * page holds a `GlinerWorker` from `/web/client.js` as `globalThis.testWorker` ({@link WorkerPageGlobals}).
 */
export async function openBrowserTestPage(executablePath: string, options: StaticServerOptions & { worker?: boolean } = {}): Promise<BrowserTestPage> {
  ensureWebBuild();
  const { worker, ...serverOptions } = options;
  const server = await startStaticServer(serverOptions);
  const browser = await launchChromium(executablePath);
  const page = await openTestPage(browser, server.url);
  if (worker === true) {
    await page.evaluate(async (clientUrl) => {
      const client = (await import(clientUrl)) as typeof import("../../src/web/client.js");
      (globalThis as unknown as WorkerPageGlobals).testWorker = client.createGlinerWorker();
    }, "/web/client.js");
  }
  return {
    server,
    browser,
    page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A suite whose tests share one test page ({@link openBrowserTestPage}, opened before them and closed after),
 * skipped when there is no Chromium. `page()` is that page, for use inside the tests.
 */
export function describeInBrowser(name: string, options: StaticServerOptions & { worker?: boolean }, body: (page: () => Page) => void): void {
  const found = chromiumPath();
  describe(name, { skip: "skip" in found ? found.skip : false }, () => {
    let opened: BrowserTestPage | undefined;
    before(async () => {
      opened = await openBrowserTestPage((found as { path: string }).path, options);
    });
    after(() => opened?.close());
    body(() => {
      if (opened === undefined) throw new Error("the browser test page is not open (its set-up failed)");
      return opened.page;
    });
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

export interface StaticServer {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** Forward `/hub/...` to this server (same origin for the page, so no CORS is involved). */
  hubUrl?: string;
  /** Send COOP/COEP so the page is cross-origin isolated (WASM threads). */
  isolated?: boolean;
  /** More folders to serve, by URL prefix (e.g. `{ "/converted/": dir }` for models converted by a test). */
  mounts?: Record<string, string>;
}

/**
 * Serves `/` (an empty page), `/web/` (dist-web), `/models/` (test/fixtures/models), `/ort-files/`
 * (onnxruntime-web's dist) on 127.0.0.1, and `/hub/` forwarded to a local hub stand-in.
 */
export async function startStaticServer(options: StaticServerOptions = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const mounts: Record<string, string> = {
    "/web/": DIST_WEB,
    "/models/": path.join(FIXTURES, "models"),
    // ORT's files as a user would copy them into their app, for the wasmPaths option.
    "/ort-files/": path.join(ROOT, "node_modules", "onnxruntime-web", "dist"),
    ...options.mounts,
  };
  const isolation: Record<string, string> = options.isolated
    ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
    : {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname);
    if (url.pathname.startsWith("/hub/") && options.hubUrl !== undefined) {
      void forward(`${options.hubUrl}${url.pathname.slice(4)}`, req, res);
      return;
    }
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": TYPES[".html"]!, ...isolation });
      res.end("<!doctype html><meta charset=utf-8><title>gliner-ts browser test</title>");
      return;
    }
    const mount = Object.keys(mounts).find((prefix) => url.pathname.startsWith(prefix));
    const file = mount && path.join(mounts[mount]!, decodeURIComponent(url.pathname.slice(mount.length)));
    if (!file || !file.startsWith(mounts[mount]!) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "content-length": body.length, ...isolation });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function forward(target: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  try {
    const headers: Record<string, string> = {};
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const upstream = await fetch(target, { method: req.method, headers, redirect: "manual" });
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, key) => {
      if (key !== "content-encoding" && key !== "transfer-encoding" && key !== "connection") out[key] = value;
    });
    res.writeHead(upstream.status, out);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  } catch (error) {
    res.writeHead(502, { "content-type": "text/plain" });
    res.end(String(error));
  }
}

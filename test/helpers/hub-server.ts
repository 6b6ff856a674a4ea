/**
 * A local stand-in for the Hugging Face hub (127.0.0.1, random port) serving model folders under
 * hub-shaped URLs: `/{org}/{name}/resolve/{revision}/{file}` with the hub's headers (ETag, X-Linked-Etag,
 * X-Linked-Size, X-Repo-Commit, X-Error-Code), Range requests, bearer-token checks, a CDN redirect and
 * fault injection (cut transfers, lying sizes, corrupted bytes). Reused by the loader and browser tests.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURE_MODEL_DIR = fileURLToPath(new URL("../fixtures/models/span-markerv0", import.meta.url));
export const DEFAULT_TEST_REPO = "test-org/span-markerv0";
export const DEFAULT_TEST_COMMIT = "0123456789abcdef0123456789abcdef01234567";

export interface HubServerOptions {
  /** Repo id -> folder served as that repo; default `{ "test-org/span-markerv0": FIXTURE_MODEL_DIR }`. */
  repos?: Record<string, string>;
  /** Commit every repo's `main` (and the commit hash itself) resolves to. */
  commit?: string;
  /** Other branches or tags -> commit. */
  revisions?: Record<string, string>;
  /** When set, `/resolve/` requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  /** Answer this file with a 302 to `{to}/cdn/{org}/{name}/{commit}/{file}` (to: another server's URL; default a relative path). */
  redirect?: { file: string; to?: string };
  /** Send `afterBytes` bytes of this file, then destroy the socket; `times` transfers (default 1). */
  cutoff?: { file: string; afterBytes: number; times?: number };
  /** Answer Range requests with 200 and the whole file. */
  ignoreRange?: boolean;
  /** File -> size announced in the metadata (HEAD, redirect) instead of the true one. */
  announcedSizes?: Record<string, number>;
  /** Files whose bytes are served with one byte flipped (the etag still names the true content). */
  corrupt?: string[];
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received (still URL-encoded). */
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface HubServer {
  url: string;
  /** Every request, in order. */
  requests: RecordedRequest[];
  /** Live options: tests may change them between calls. */
  options: HubServerOptions;
  commit: string;
  /** The etag the cache names the file's blob by: sha256 for LFS files, the git blob sha1 otherwise. */
  blobEtag(file: string, repo?: string): string;
  close(): Promise<void>;
}

/** Weights are stored with git LFS on the hub; everything else in plain git. */
const isLfs = (file: string) => /\.(onnx|bin|safetensors)$/.test(file);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const gitSha1 = (bytes: Buffer) =>
  createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");

function listFiles(root: string, dir = ""): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = dir ? `${dir}/${name}` : name;
    return statSync(path.join(root, rel)).isDirectory() ? listFiles(root, rel) : [rel];
  });
}

export async function startHubServer(initial: HubServerOptions = {}): Promise<HubServer> {
  const options: HubServerOptions = { ...initial };
  const repos = options.repos ?? { [DEFAULT_TEST_REPO]: FIXTURE_MODEL_DIR };
  const commit = options.commit ?? DEFAULT_TEST_COMMIT;
  const files = new Map<string, Map<string, Buffer>>();
  for (const [id, dir] of Object.entries(repos)) {
    files.set(id, new Map(listFiles(dir).map((f) => [f, readFileSync(path.join(dir, f))])));
  }
  const requests: RecordedRequest[] = [];

  const metadataHeaders = (file: string, bytes: Buffer): Record<string, string> => {
    const size = String(options.announcedSizes?.[file] ?? bytes.length);
    return isLfs(file)
      ? // ETag here is the git sha1 of the LFS pointer, as on the hub: clients must prefer X-Linked-Etag.
        { "x-repo-commit": commit, etag: `"${gitSha1(Buffer.from(`lfs pointer ${sha256(bytes)}`))}"`, "x-linked-etag": `"${sha256(bytes)}"`, "x-linked-size": size }
      : { "x-repo-commit": commit, etag: `"${gitSha1(bytes)}"`, "content-length": size };
  };

  const sendFile = (req: http.IncomingMessage, res: http.ServerResponse, file: string, bytes: Buffer, headers: Record<string, string>) => {
    if (req.method === "HEAD") {
      res.writeHead(200, { "content-length": String(options.announcedSizes?.[file] ?? bytes.length), ...headers });
      res.end();
      return;
    }
    let body = bytes;
    if (options.corrupt?.includes(file)) {
      body = Buffer.from(bytes);
      body[body.length >> 1]! ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    let status = 200;
    const out: Record<string, string> = { ...headers, "accept-ranges": "bytes" };
    if (range && !options.ignoreRange) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { "content-range": `bytes */${body.length}` });
        res.end();
        return;
      }
      status = 206;
      out["content-range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
      body = body.subarray(start);
    }
    out["content-length"] = String(body.length);
    res.writeHead(status, out);
    const cut = options.cutoff;
    if (cut && cut.file === file && (cut.times ?? 1) > 0) {
      cut.times = (cut.times ?? 1) - 1;
      // Give the client time to read what was sent before the connection dies mid-body.
      res.write(body.subarray(0, cut.afterBytes), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    res.end(body);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers });
    const segments = (req.url ?? "/").split("?")[0]!.split("/").slice(1).map(decodeURIComponent);
    const notFound = (code: string, extra: Record<string, string> = {}) => {
      res.writeHead(404, { "x-error-code": code, "content-type": "text/plain", ...extra });
      res.end(req.method === "HEAD" ? undefined : `${code}\n`);
    };
    if (segments[0] === "cdn") {
      // /cdn/{org}/{name}/{commit}/{file...}: like the hub's CDN, no token needed, its own ETag.
      const [, org, name, , ...rest] = segments;
      const bytes = files.get(`${org}/${name}`)?.get(rest.join("/"));
      if (!bytes) return notFound("EntryNotFound");
      return sendFile(req, res, rest.join("/"), bytes, { etag: `"cdn-${sha256(bytes).slice(0, 16)}"` });
    }
    const [org, name, resolve, revision, ...rest] = segments;
    const file = rest.join("/");
    if (resolve !== "resolve" || revision === undefined || !file) return notFound("EntryNotFound");
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { "x-error-code": "GatedRepo", "content-type": "text/plain" });
      res.end(req.method === "HEAD" ? undefined : "Access to this repo is restricted.\n");
      return;
    }
    const repoFiles = files.get(`${org}/${name}`);
    if (!repoFiles) return notFound("RepoNotFound");
    if (revision !== "main" && revision !== commit && options.revisions?.[revision] === undefined) {
      return notFound("RevisionNotFound");
    }
    const bytes = repoFiles.get(file);
    if (!bytes) return notFound("EntryNotFound", { "x-repo-commit": commit });
    if (options.redirect?.file === file) {
      const location = `${options.redirect.to ?? ""}/cdn/${org}/${name}/${commit}/${rest.map(encodeURIComponent).join("/")}`;
      res.writeHead(302, { location, ...metadataHeaders(file, bytes), "content-length": "0" });
      res.end();
      return;
    }
    sendFile(req, res, file, bytes, metadataHeaders(file, bytes));
  };

  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    options,
    commit,
    blobEtag(file, repo = DEFAULT_TEST_REPO) {
      const bytes = files.get(repo)?.get(file);
      if (!bytes) throw new Error(`hub-server: no ${file} in ${repo}`);
      return isLfs(file) ? sha256(bytes) : gitSha1(bytes);
    },
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      })),
  };
}

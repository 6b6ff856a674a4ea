/**
 * Node download of hub files into huggingface_hub's cache layout, so Python and gliner-ts share one cache:
 *   {cache}/models--{org}--{name}/blobs/{etag}                  file content
 *   {cache}/models--{org}--{name}/snapshots/{commit}/{file}     relative symlink to the blob (copy where links fail)
 *   {cache}/models--{org}--{name}/refs/{revision}               the commit the revision pointed to
 *   {cache}/models--{org}--{name}/.no_exist/{commit}/{file}     the file is known to be absent at that commit
 */
import { createHash, randomUUID, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HubError } from "../errors.js";
import {
  type HubFileContext,
  type HubFileMetadata,
  type HubOptions,
  checkFileMetadata,
  checkRepoFilePath,
  hubFileUrl,
  hubNetworkError,
  hubStatusError,
  isCommitHash,
  notCachedError,
  parseRepoId,
  readFileMetadata,
  repoFolderName,
  resolveHubSettings,
} from "../model/hub.js";

const MAX_REDIRECTS = 10;
/** Transfers cut off after some progress are resumed with a Range request this many times in total. */
const MAX_TRANSFER_ATTEMPTS = 3;
const LOCK_POLL_MS = 100;
const LOCK_HEARTBEAT_MS = 2_000;
/** A lock whose holder stopped refreshing it this long ago belongs to a crashed process. */
const LOCK_STALE_MS = 20_000;

type Env = Record<string, string | undefined>;
const expandHome = (p: string): string => (p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p);

function hfHome(env: Env): string {
  if (env.HF_HOME) return path.resolve(expandHome(env.HF_HOME));
  const xdg = env.XDG_CACHE_HOME ? expandHome(env.XDG_CACHE_HOME) : path.join(os.homedir(), ".cache");
  return path.resolve(xdg, "huggingface");
}

/** `HF_HUB_CACHE` ?? `$HF_HOME/hub` ?? `$XDG_CACHE_HOME/huggingface/hub` ?? `~/.cache/huggingface/hub`, as in Python. */
export function defaultHubCacheDir(env: Env = process.env): string {
  const explicit = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  return explicit ? path.resolve(expandHome(explicit)) : path.join(hfHome(env), "hub");
}

/** The token `hf auth login` stored, used when neither the token option nor HF_TOKEN is set. */
async function readStoredToken(env: Env = process.env): Promise<string | undefined> {
  const file = env.HF_TOKEN_PATH ? expandHome(env.HF_TOKEN_PATH) : path.join(hfHome(env), "token");
  const token = await fs.readFile(file, "utf8").catch(() => "");
  return token.trim() || undefined;
}

/**
 * Local path of `file` from hub repo `repo`, downloaded into the cache when needed. Returns the snapshot
 * path (`.../snapshots/{commit}/{file}`), or undefined when `optional` is set and the file does not exist.
 */
export async function downloadHubFile(
  repo: string,
  file: string,
  options: HubOptions & { optional?: boolean } = {},
): Promise<string | undefined> {
  const repoId = parseRepoId(repo);
  checkRepoFilePath(file);
  const settings = resolveHubSettings(options);
  const cacheDir = path.resolve(options.cacheDir ?? defaultHubCacheDir());
  const storage = path.join(cacheDir, repoFolderName(repoId));
  const { revision } = settings;

  // A commit hash names immutable content: when it is cached, the network has nothing to add.
  if (isCommitHash(revision)) {
    const pointer = snapshotPath(storage, revision, file);
    if (await exists(pointer)) return pointer;
  }
  const token = settings.token ?? (settings.offline ? undefined : await readStoredToken());
  const ctx: HubFileContext = { repo: repoId.id, revision, file, endpoint: settings.endpoint, tokenSent: !!token };
  const fromCache = async (failure?: HubError): Promise<string | undefined> => {
    const cached = await lookupCache(storage, revision, file);
    if (cached.path !== undefined) return cached.path;
    // Optional files count as absent when the hub said so, or when this commit is cached without them.
    if (options.optional && (cached.knownMissing || cached.snapshotCached)) return undefined;
    throw failure ?? notCachedError(ctx, cacheDir);
  };
  if (settings.offline) return fromCache();

  const fetchImpl = options.fetch ?? globalThis.fetch;
  const url = hubFileUrl(repoId.id, file, { endpoint: settings.endpoint, revision });
  let head: HeadResult;
  try {
    head = await fetchMetadata(url, ctx, token, settings.metadataTimeoutMs, fetchImpl);
  } catch (error) {
    // Like huggingface_hub: network down, hub outage or refused token -> a cached copy of this revision still works.
    if (error instanceof HubError) return fromCache(error);
    throw error;
  }
  if (!head.found) {
    const fileMissing = head.errorCode !== "RepoNotFound" && head.errorCode !== "RevisionNotFound";
    // Remembering the absence only spares later offline probes: a read-only cache must not turn it into an error.
    if (fileMissing && head.commit) await rememberMissing(storage, revision, head.commit, file).catch(() => undefined);
    if (options.optional && fileMissing) return undefined;
    throw head.error;
  }

  const { commit, etag, size } = head.meta;
  await writeRef(storage, revision, commit);
  const pointer = snapshotPath(storage, commit, file);
  if (await exists(pointer)) return pointer;
  const blob = path.join(storage, "blobs", etag);
  if (!(await exists(blob))) {
    const lock = path.join(cacheDir, ".locks", repoFolderName(repoId), `${etag}.gliner.lock`);
    await withLock(lock, async () => {
      // Another process may have finished the same blob while we waited for the lock.
      if (!(await exists(blob))) {
        await downloadBlob({ url: head.downloadUrl, blob, etag, size, token, ctx, fetchImpl, onProgress: options.onProgress });
      }
    });
  }
  await linkPointer(blob, pointer);
  return pointer;
}

function snapshotPath(storage: string, commit: string, file: string): string {
  return path.join(storage, "snapshots", commit, ...file.split("/"));
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

async function readRef(storage: string, revision: string): Promise<string | undefined> {
  const commit = (await fs.readFile(path.join(storage, "refs", ...revision.split("/")), "utf8").catch(() => "")).trim();
  return isCommitHash(commit) ? commit : undefined;
}

async function writeRef(storage: string, revision: string, commit: string): Promise<void> {
  if (revision === commit || (await readRef(storage, revision)) === commit) return;
  const ref = path.join(storage, "refs", ...revision.split("/"));
  await fs.mkdir(path.dirname(ref), { recursive: true });
  // Through a temp file so that a concurrent reader never sees an empty ref.
  const tmp = `${ref}.${randomUUID()}.tmp`;
  await fs.writeFile(tmp, commit);
  await fs.rename(tmp, ref);
}

async function rememberMissing(storage: string, revision: string, commit: string, file: string): Promise<void> {
  if (!isCommitHash(commit)) return;
  const marker = path.join(storage, ".no_exist", commit, ...file.split("/"));
  await fs.mkdir(path.dirname(marker), { recursive: true });
  await fs.writeFile(marker, "");
  await writeRef(storage, revision, commit);
}

interface CacheLookup {
  path?: string;
  knownMissing: boolean;
  snapshotCached: boolean;
}

async function lookupCache(storage: string, revision: string, file: string): Promise<CacheLookup> {
  const commit = isCommitHash(revision) ? revision : await readRef(storage, revision);
  if (commit === undefined) return { knownMissing: false, snapshotCached: false };
  const pointer = snapshotPath(storage, commit, file);
  if (await exists(pointer)) return { path: pointer, knownMissing: false, snapshotCached: true };
  return {
    knownMissing: await exists(path.join(storage, ".no_exist", commit, ...file.split("/"))),
    snapshotCached: await exists(path.join(storage, "snapshots", commit)),
  };
}

/** fetch with redirects followed by hand, so that Authorization only goes to the hub's own origin. */
async function request(
  url: string,
  init: { method: string; headers?: Record<string, string>; signal?: AbortSignal },
  token: string | undefined,
  authOrigin: string,
  fetchImpl: typeof fetch,
  stopAtRedirect: (res: Response) => boolean = () => false,
): Promise<{ res: Response; url: string }> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { "accept-encoding": "identity", "user-agent": "gliner-ts", ...init.headers };
    if (token && new URL(current).origin === authOrigin) headers.authorization = `Bearer ${token}`;
    const res = await fetchImpl(current, { method: init.method, headers, redirect: "manual", signal: init.signal });
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || location === null || stopAtRedirect(res)) return { res, url: current };
    await res.body?.cancel();
    current = new URL(location, current).href;
  }
  throw new HubError(`More than ${MAX_REDIRECTS} redirects while fetching ${url}; check HF_ENDPOINT.`, { url });
}

type HeadResult =
  | { found: true; meta: HubFileMetadata; downloadUrl: string }
  | { found: false; commit: string | undefined; errorCode: string | null; error: HubError };

async function fetchMetadata(
  url: string,
  ctx: HubFileContext,
  token: string | undefined,
  timeoutMs: number,
  fetchImpl: typeof fetch,
): Promise<HeadResult> {
  let answer: { res: Response; url: string };
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    // The hub answers LFS files with a redirect to its CDN that already carries the metadata (X-Linked-*):
    // stop there and download from the redirect target; other redirects (renamed repos) are followed.
    const carriesMetadata = (res: Response) =>
      res.headers.has("x-repo-commit") && (res.headers.has("x-linked-etag") || res.headers.has("etag"));
    answer = await request(url, { method: "HEAD", signal }, token, new URL(url).origin, fetchImpl, carriesMetadata);
  } catch (error) {
    throw error instanceof HubError ? error : hubNetworkError(ctx, url, error);
  }
  const { res, url: finalUrl } = answer;
  const location = res.headers.get("location");
  const redirected = res.status >= 300 && res.status < 400 && location !== null;
  const errorCode = res.headers.get("x-error-code");
  if (res.status === 404) {
    const commit = res.headers.get("x-repo-commit") ?? undefined;
    return { found: false, commit, errorCode, error: hubStatusError(404, ctx, finalUrl, errorCode) };
  }
  if (!res.ok && !redirected) throw hubStatusError(res.status, ctx, finalUrl, errorCode);
  const meta = checkFileMetadata(readFileMetadata(res.headers, redirected), finalUrl);
  return { found: true, meta, downloadUrl: redirected ? new URL(location, finalUrl).href : finalUrl };
}

interface BlobDownload {
  url: string;
  blob: string;
  etag: string;
  size: number | undefined;
  token: string | undefined;
  ctx: HubFileContext;
  fetchImpl: typeof fetch;
  onProgress: HubOptions["onProgress"];
}

/** A transfer that broke after it wrote something: worth resuming with a Range request. */
class TransferInterrupted extends Error {
  constructor(readonly progressed: boolean, cause: unknown) {
    super("transfer interrupted", { cause });
  }
}

/** Downloads into `{blob}.incomplete` (resuming what is there), checks size and sha256, renames into place. */
async function downloadBlob(job: BlobDownload): Promise<void> {
  const incomplete = `${job.blob}.incomplete`;
  await fs.mkdir(path.dirname(job.blob), { recursive: true });
  let total = job.size;
  let digest: string | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      ({ total, digest } = await transfer(job, incomplete, total));
      break;
    } catch (error) {
      if (!(error instanceof TransferInterrupted)) throw error;
      if (!error.progressed || attempt >= MAX_TRANSFER_ATTEMPTS) throw hubNetworkError(job.ctx, job.url, error.cause);
    }
  }
  const written = (await fs.stat(incomplete)).size;
  const reject = async (what: string): Promise<never> => {
    await fs.rm(incomplete, { force: true });
    throw new HubError(
      `The download of "${job.ctx.file}" from ${job.ctx.repo} is corrupt: ${what}. The partial file was deleted; ` +
        `retry, and if it happens again check HF_ENDPOINT or any proxy in between.`,
      { url: job.url },
    );
  };
  if (total !== undefined && written !== total) await reject(`got ${written} bytes, expected ${total}`);
  // The hub's etag of an LFS file is the sha256 of its content.
  if (digest !== undefined && digest !== job.etag) await reject(`sha256 ${digest} does not match the etag ${job.etag}`);
  await fs.rename(incomplete, job.blob);
}

async function transfer(
  job: BlobDownload,
  incomplete: string,
  knownTotal: number | undefined,
): Promise<{ total: number | undefined; digest: string | undefined }> {
  let offset = await fs.stat(incomplete).then((s) => s.size, () => 0);
  let total = knownTotal;
  if (total !== undefined && offset > total) offset = 0;
  let body: ReadableStream<Uint8Array> | null = null;
  if (total === undefined || offset < total) {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    let res: Response;
    try {
      ({ res } = await request(job.url, { method: "GET", headers }, job.token, new URL(job.ctx.endpoint).origin, job.fetchImpl));
    } catch (error) {
      throw error instanceof HubError ? error : new TransferInterrupted(false, error);
    }
    const contentLength = Number(res.headers.get("content-length") ?? NaN);
    if (res.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
      if (range === null || Number(range[1]) !== offset) {
        await res.body?.cancel();
        await fs.rm(incomplete, { force: true });
        throw new TransferInterrupted(true, new Error(`unexpected Content-Range "${res.headers.get("content-range")}"`));
      }
      if (total === undefined && range[2] !== "*") total = Number(range[2]);
    } else if (res.ok) {
      offset = 0; // The server ignored Range (or there was none): start from zero.
      if (total === undefined && Number.isFinite(contentLength)) total = contentLength;
    } else {
      await res.body?.cancel();
      if (res.status === 416 && offset > 0) {
        await fs.rm(incomplete, { force: true }); // The partial file does not fit the server's: start over.
        throw new TransferInterrupted(true, new Error("HTTP 416 for a resumed range"));
      }
      throw hubStatusError(res.status, job.ctx, job.url, res.headers.get("x-error-code"));
    }
    body = res.body;
  }

  const hash = /^[0-9a-f]{64}$/.test(job.etag) ? createHash("sha256") : undefined;
  if (hash && offset > 0) await hashPrefix(hash, incomplete, offset);
  const handle = await fs.open(incomplete, offset > 0 ? "r+" : "w");
  let loaded = offset;
  try {
    if (offset > 0) await handle.truncate(offset);
    const reader = body?.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array> | undefined;
      try {
        chunk = await reader?.read();
      } catch (error) {
        throw new TransferInterrupted(loaded > offset, error);
      }
      if (chunk === undefined || chunk.done) break;
      await handle.write(chunk.value, 0, chunk.value.length, loaded);
      hash?.update(chunk.value);
      loaded += chunk.value.length;
      if (total !== undefined && loaded > total) {
        await reader?.cancel(); // Longer than announced: the size check below rejects it.
        break;
      }
      job.onProgress?.({ file: job.ctx.file, loaded, total });
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { total, digest: hash?.digest("hex") };
}

async function hashPrefix(hash: Hash, file: string, length: number): Promise<void> {
  for await (const chunk of createReadStream(file, { start: 0, end: length - 1 })) hash.update(chunk as Buffer);
}

/** The snapshot entry: a relative symlink to the blob (survives moving the cache), a copy where links fail. */
async function linkPointer(blob: string, pointer: string): Promise<void> {
  await fs.mkdir(path.dirname(pointer), { recursive: true });
  await fs.rm(pointer, { force: true });
  try {
    await fs.symlink(path.relative(path.dirname(pointer), blob), pointer, "file");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST" && (await exists(pointer))) return; // A concurrent call won.
    const tmp = `${pointer}.${randomUUID()}.tmp`;
    await fs.copyFile(blob, tmp);
    await fs.rename(tmp, pointer);
  }
}

/** Cross-process lock on one blob: an exclusive lock file that its holder keeps fresh. */
async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      await (await fs.open(lockPath, "wx")).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const stat = await fs.stat(lockPath).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > LOCK_STALE_MS) await fs.rm(lockPath, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(lockPath, now, now).catch(() => undefined);
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await fs.rm(lockPath, { force: true });
  }
}

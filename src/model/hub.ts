/**
 * Runtime-neutral pieces of the Hugging Face hub client: repo ids, file URLs, environment settings,
 * response metadata and error messages. No `node:` imports: the browser build uses this file too.
 * The Node download with its on-disk cache lives in `src/runtime/node-hub.ts`.
 */
import { HubError, InvalidInputError } from "../errors.js";

export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";
export const DEFAULT_REVISION = "main";

export interface DownloadProgress {
  /** The file inside the repo, e.g. `onnx/model.onnx`. */
  file: string;
  /** Bytes of the file on disk so far (a resumed download starts at the resumed size). */
  loaded: number;
  /** Size of the file, undefined when the server did not say. */
  total: number | undefined;
}

export interface HubOptions {
  /** Branch, tag or 40-hex commit hash; default `main`. */
  revision?: string;
  /** Cache root; default `HF_HUB_CACHE` ?? `$HF_HOME/hub` ?? `~/.cache/huggingface/hub`. */
  cacheDir?: string;
  /** Never touch the network: only files already in the cache are used (also `HF_HUB_OFFLINE=1`). */
  localFilesOnly?: boolean;
  /** Access token for private or gated repos; default `HF_TOKEN`. */
  token?: string;
  /** Hub base URL; default `HF_ENDPOINT` ?? `https://huggingface.co`. */
  endpoint?: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** Replaces the global `fetch` (proxies, tests). */
  fetch?: typeof fetch;
}

export interface RepoId {
  /** `org/name` */
  id: string;
  org: string;
  name: string;
}

// Same rules as huggingface_hub's validate_repo_id, but the org is required: starts and ends with a
// word character, at most 96 characters per part, no "--" or ".." (they would make cache folder names
// ambiguous or escape directories).
const REPO_PART = /^\w(?:[\w.-]{0,94}\w)?$/;

export function parseRepoId(repo: string): RepoId {
  const hint =
    `Hub repo ids look like "org/name" (for example "onnx-community/gliner-multitask-large-v0.5"): ` +
    `letters, digits, "_", "-" and ".", no "--" or "..". For a model on disk, pass its folder path instead.`;
  if (typeof repo !== "string") throw new InvalidInputError("model", `The repo id must be a string. ${hint}`);
  const parts = repo.split("/");
  const [org, name] = parts;
  const valid =
    parts.length === 2 &&
    org !== undefined &&
    name !== undefined &&
    REPO_PART.test(org) &&
    REPO_PART.test(name) &&
    !repo.includes("--") &&
    !repo.includes("..");
  if (!valid) throw new InvalidInputError("model", `"${repo}" is not a valid hub repo id. ${hint}`);
  return { id: repo, org, name };
}

/** The file path inside a repo, checked so that it cannot leave the cache folder. */
export function checkRepoFilePath(file: string): string {
  const segments = typeof file === "string" ? file.split("/") : [];
  if (segments.length === 0 || segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\"))) {
    throw new InvalidInputError(
      "file",
      `"${String(file)}" is not a valid file path inside a hub repo. Use a relative path with "/" separators ` +
        `and no "." or ".." segments, e.g. "onnx/model.onnx".`,
    );
  }
  return file;
}

/** Checks a revision before it is used in a URL and as a path under `refs/`. */
export function checkRevision(revision: string): string {
  const segments = revision.split("/");
  if (revision === "" || segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\"))) {
    throw new InvalidInputError(
      "revision",
      `"${revision}" is not a valid revision. Use a branch name, a tag or a 40-character commit hash (default "main").`,
    );
  }
  return revision;
}

export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** Cache folder of a model repo, as huggingface_hub names it: `models--{org}--{name}`. */
export function repoFolderName(repo: RepoId): string {
  return `models--${repo.org}--${repo.name}`;
}

/** `${endpoint}/{repo}/resolve/{revision}/{file}`: the revision fully encoded, `/` kept in the file path. */
export function hubFileUrl(
  repo: string,
  file: string,
  options: { endpoint?: string; revision?: string } = {},
): string {
  const { id } = parseRepoId(repo);
  const endpoint = (options.endpoint ?? hubEnv().endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, "");
  const revision = encodeURIComponent(checkRevision(options.revision ?? DEFAULT_REVISION));
  const path = checkRepoFilePath(file).split("/").map(encodeURIComponent).join("/");
  return `${endpoint}/${id}/resolve/${revision}/${path}`;
}

export interface HubEnv {
  endpoint: string | undefined;
  token: string | undefined;
  offline: boolean;
  /** HF_HUB_ETAG_TIMEOUT in milliseconds: how long the metadata request may take. */
  metadataTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

function processEnv(): Env {
  return (globalThis as { process?: { env?: Env } }).process?.env ?? {};
}

const nonEmpty = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/** True for "1", "true", "yes", "on" (any case), like huggingface_hub's boolean env vars. */
export function isTruthyEnv(value: string | undefined): boolean {
  return ["1", "true", "yes", "on"].includes((value ?? "").trim().toLowerCase());
}

/** Hub settings from the environment (`process.env` where it exists, nothing in a browser). */
export function hubEnv(env: Env = processEnv()): HubEnv {
  const timeoutSeconds = Number(env.HF_HUB_ETAG_TIMEOUT);
  return {
    endpoint: nonEmpty(env.HF_ENDPOINT),
    // HUGGING_FACE_HUB_TOKEN is the older name huggingface_hub still reads.
    token: nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN),
    offline: isTruthyEnv(env.HF_HUB_OFFLINE),
    metadataTimeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : 10_000,
  };
}

export interface HubSettings {
  endpoint: string;
  revision: string;
  token: string | undefined;
  offline: boolean;
  metadataTimeoutMs: number;
}

/** Options first, then the environment. HF_HUB_OFFLINE wins over `localFilesOnly: false`, as in Python. */
export function resolveHubSettings(options: HubOptions, env: HubEnv = hubEnv()): HubSettings {
  return {
    endpoint: (options.endpoint ?? env.endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, ""),
    revision: checkRevision(options.revision ?? DEFAULT_REVISION),
    token: nonEmpty(options.token) ?? env.token,
    offline: options.localFilesOnly === true || env.offline,
    metadataTimeoutMs: env.metadataTimeoutMs,
  };
}

export interface HubFileMetadata {
  commit: string;
  /** Normalized: without quotes or the weak `W/` prefix; `X-Linked-Etag` (LFS) preferred over `ETag`. */
  etag: string;
  /** `X-Linked-Size`, else `Content-Length` when the response is the file itself. */
  size: number | undefined;
}

/** What the hub tells about a file in its response headers, or undefined when a header is missing. */
export function readFileMetadata(headers: Headers, isRedirect: boolean): Partial<HubFileMetadata> {
  const rawEtag = headers.get("x-linked-etag") ?? headers.get("etag") ?? undefined;
  const etag = rawEtag?.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
  // A redirect's Content-Length is the size of the redirect body, not of the file.
  const rawSize = headers.get("x-linked-size") ?? (isRedirect ? null : headers.get("content-length"));
  const size = rawSize !== null && /^\d+$/.test(rawSize.trim()) ? Number(rawSize) : undefined;
  return { commit: headers.get("x-repo-commit")?.trim() || undefined, etag: etag || undefined, size };
}

/** Etags and commits become file names: only accept what the hub really sends. */
export function checkFileMetadata(meta: Partial<HubFileMetadata>, url: string): HubFileMetadata {
  const { commit, etag } = meta;
  if (commit === undefined || !isCommitHash(commit) || etag === undefined || !/^[\w.-]{1,256}$/.test(etag)) {
    throw new HubError(
      `${url} answered without a valid X-Repo-Commit and ETag header (got commit ${String(commit)}, ` +
        `etag ${String(etag)}), so the file cannot be cached reproducibly. Check that HF_ENDPOINT points to ` +
        `the Hugging Face hub or a faithful mirror of it.`,
      { url },
    );
  }
  return { commit, etag, size: meta.size };
}

export interface HubFileContext {
  repo: string;
  revision: string;
  file: string;
  endpoint: string;
  tokenSent: boolean;
}

/** A HubError for an HTTP error status, with the fix the user most likely needs. */
export function hubStatusError(status: number, ctx: HubFileContext, url: string, errorCode?: string | null): HubError {
  const what = `"${ctx.file}" from ${ctx.repo} (revision ${ctx.revision})`;
  let message: string;
  if (status === 401 || status === 403) {
    message =
      `The hub refused access to ${what} (HTTP ${status}). The repo may be private or gated: ` +
      (ctx.tokenSent
        ? `the token that was sent (token option, HF_TOKEN or the stored login) lacks access; check that it has ` +
          `read permission and that you accepted the ` +
          `repo's terms on ${ctx.endpoint}/${ctx.repo}.`
        : `set HF_TOKEN (or pass the token option) to an access token with read permission, and accept the ` +
          `repo's terms on ${ctx.endpoint}/${ctx.repo} if it is gated.`);
  } else if (status === 404) {
    const which =
      errorCode === "RepoNotFound"
        ? `repo ${ctx.repo} not found`
        : errorCode === "RevisionNotFound"
          ? `revision ${ctx.revision} not found in ${ctx.repo}`
          : errorCode === "EntryNotFound"
            ? `file "${ctx.file}" not found in ${ctx.repo} at revision ${ctx.revision}`
            : `repo or file not found: "${ctx.file}" in ${ctx.repo} at revision ${ctx.revision}`;
    message =
      `Hub ${which} (HTTP 404, ${url}). Check the repo id, the revision and the file name` +
      (ctx.tokenSent ? "." : `; if the repo is private, set HF_TOKEN or pass the token option.`);
  } else if (status === 429) {
    message = `The hub rate-limited the download of ${what} (HTTP 429). Wait and retry, or set HF_TOKEN to get higher limits.`;
  } else {
    message = `The hub answered HTTP ${status} for ${what} (${url}). Retry later; if it persists, check HF_ENDPOINT.`;
  }
  return new HubError(message, { status, url });
}

/** A HubError for a request that got no answer (DNS, refused connection, reset, timeout). */
export function hubNetworkError(ctx: HubFileContext, url: string, cause: unknown): HubError {
  const reason = describeCause(cause);
  return new HubError(
    `Could not download "${ctx.file}" from ${ctx.repo} (revision ${ctx.revision}): ${reason} (${url}). ` +
      `Check your network connection or HF_ENDPOINT; to use only files already in the cache, set HF_HUB_OFFLINE=1.`,
    { url, cause },
  );
}

/** The file is not in the cache and the network may not (offline) or could not (error) be used. */
export function notCachedError(ctx: HubFileContext, cacheDir: string, cause?: unknown): HubError {
  const why = cause === undefined ? "offline mode is on (HF_HUB_OFFLINE or localFilesOnly)" : "the hub could not be reached";
  return new HubError(
    `"${ctx.file}" from ${ctx.repo} (revision ${ctx.revision}) is not in the cache at ${cacheDir} and ${why}. ` +
      `Download it once with network access (unset HF_HUB_OFFLINE and localFilesOnly), or pre-download it ` +
      `(e.g. \`hf download ${ctx.repo}\`) into the same cache directory.`,
    { cause },
  );
}

function describeCause(cause: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = cause; c instanceof Error && parts.length < 4; c = c.cause) {
    const code = (c as { code?: unknown }).code;
    parts.push(typeof code === "string" ? `${c.message} [${code}]` : c.message);
  }
  return parts.length ? parts.join(": ") : String(cause);
}

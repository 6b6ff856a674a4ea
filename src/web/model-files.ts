/**
 * Model files in the browser: a URL folder (`<base>/gliner_config.json`, `<base>/onnx/model.onnx`), a Hugging
 * Face hub repo (fetched from `{endpoint}/{repo}/resolve/{revision}/{file}`, kept in the Cache API), or files
 * already in memory. Only Web APIs (`fetch`, `caches`, streams): this file runs in windows and workers alike.
 */
import { HubError, InvalidInputError, ModelLoadError } from "../errors.js";
import {
  type HubFileContext,
  hubFileUrl,
  hubNetworkError,
  hubStatusError,
  parseRepoId,
  resolveHubSettings,
} from "../model/hub.js";
import type { DownloadProgress, ModelFiles, OpenOptions } from "../runtime/runtime.js";
import type { ModelBytes } from "./sources.js";

export { isUrlSource } from "./sources.js";

export type { ModelBytes } from "./sources.js";

export interface FetchSettings {
  /** Cache API cache that keeps hub downloads; false: no caching. */
  cacheName: string | false;
  fetch: typeof fetch;
}

/** Resolves a URL folder against the document (or the worker script when there is none) and ends it with `/`. */
export function folderUrl(source: string, base: string | undefined = globalThis.location?.href): string {
  let url: URL;
  try {
    url = new URL(source, base);
  } catch (cause) {
    throw new InvalidInputError("source", `"${source}" is not a valid URL; give an absolute URL or a path like "/models/my-model".`, { cause });
  }
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

export function openUrlFolder(source: string, options: OpenOptions, settings: FetchSettings): ModelFiles {
  const base = folderUrl(source);
  return remoteFiles(base, async (name) => {
    const url = new URL(name, base).href;
    let res: Response;
    try {
      res = await settings.fetch(url);
    } catch (cause) {
      throw new ModelLoadError(`Could not fetch ${url}: ${describe(cause)}. Check that the model folder is served (and allows CORS when it is on another origin).`, { cause });
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw new ModelLoadError(`Fetching ${url} answered HTTP ${res.status}; check the model URL and the server's access rules.`);
    return readBody(res, name, options.onProgress);
  });
}

export function openHubRepo(repo: string, options: OpenOptions, settings: FetchSettings): ModelFiles {
  const { id } = parseRepoId(repo);
  // No process.env in a browser: the options alone decide (hubEnv reads nothing there).
  const hub = resolveHubSettings({ ...options, cacheDir: undefined });
  const description = `hub:${id}@${hub.revision}`;
  return remoteFiles(description, async (name) => {
    const url = hubFileUrl(id, name, { endpoint: hub.endpoint, revision: hub.revision });
    const ctx: HubFileContext = { repo: id, revision: hub.revision, file: name, endpoint: hub.endpoint, tokenSent: hub.token !== undefined };
    const cache = await openCache(settings.cacheName);
    const cached = await cache?.match(url);
    if (cached !== undefined) return readBody(cached, name, options.onProgress);
    if (hub.offline) {
      throw new HubError(
        `"${name}" from ${id} (revision ${hub.revision}) is not in the browser cache${settings.cacheName === false ? " (caching is off)" : ` "${settings.cacheName}"`} ` +
          `and localFilesOnly is set. Load the model once with network access first.`,
      );
    }
    let res: Response;
    try {
      res = await settings.fetch(url, hub.token === undefined ? {} : { headers: { authorization: `Bearer ${hub.token}` } });
    } catch (cause) {
      throw hubNetworkError(ctx, url, cause);
    }
    const errorCode = res.headers.get("x-error-code");
    if (res.status === 404 && errorCode !== "RepoNotFound" && errorCode !== "RevisionNotFound") return undefined;
    if (!res.ok) throw hubStatusError(res.status, ctx, url, errorCode);
    const bytes = await readBody(res, name, options.onProgress);
    // A full quota or a private-mode browser refuses to cache: the model still works, it is just fetched again next time.
    await cache?.put(url, new Response(bytes, { headers: { "content-length": String(bytes.length) } })).catch(() => undefined);
    return bytes;
  });
}

export function memoryFiles(files: ModelBytes): ModelFiles {
  if (typeof files !== "object" || files === null || Array.isArray(files)) {
    throw new InvalidInputError("source", `In-memory models are an object of file name → bytes or text, e.g. { "gliner_config.json": text, "onnx/model.onnx": bytes }.`);
  }
  const bytesOf = (name: string): Uint8Array | undefined => {
    const value = files[name];
    if (value === undefined) return undefined;
    if (typeof value === "string") return new TextEncoder().encode(value);
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    throw new InvalidInputError("source", `The in-memory file "${name}" must be a Uint8Array, an ArrayBuffer or a string.`);
  };
  return {
    description: `in-memory files (${Object.keys(files).join(", ")})`,
    async readText(name) {
      const value = files[name];
      return typeof value === "string" ? value : decodeText(bytesOf(name));
    },
    async locateModel(name) {
      return bytesOf(name);
    },
  };
}

/** ModelFiles over a byte getter; texts are decoded as UTF-8. */
function remoteFiles(description: string, get: (name: string) => Promise<Uint8Array | undefined>): ModelFiles {
  return {
    description,
    readText: async (name) => decodeText(await get(name)),
    locateModel: get,
  };
}

const decodeText = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

async function openCache(name: string | false): Promise<Cache | undefined> {
  // The Cache API exists only in secure contexts (https, localhost, 127.0.0.1); elsewhere downloads are not kept.
  if (name === false || typeof caches === "undefined") return undefined;
  return caches.open(name).catch(() => undefined);
}

/** The body as bytes, reporting progress as it streams in. */
async function readBody(res: Response, file: string, onProgress: ((p: DownloadProgress) => void) | undefined): Promise<Uint8Array<ArrayBuffer>> {
  // A compressed transfer announces the compressed length while the stream yields decoded bytes.
  const encoded = !["", "identity"].includes(res.headers.get("content-encoding") ?? "");
  const header = encoded ? null : res.headers.get("content-length");
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  if (res.body === null) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    onProgress?.({ file, loaded: bytes.length, total: bytes.length });
    return bytes;
  }
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  onProgress?.({ file, loaded, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.({ file, loaded, total });
  }
  if (total !== undefined && loaded !== total) {
    throw new ModelLoadError(`The download of ${file} ended after ${loaded} of ${total} bytes; the connection was cut. Retry the load.`);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

// Where inference runs. The page talks to one small "engine" object, `{ name, run(task, request) }`, whose
// `run` resolves with the same JSON the server's `POST /v1/<task>` answers (and throws an Error with a readable
// message otherwise). The server engine calls /v1/*; a browser engine can be plugged in by the browser build:
// if `/web/page-engine.js` exists and exports `createEngine()`, the "browser" switch turns on and uses it.

/** @typedef {{ name: string, run(task: string, request: object): Promise<object>, dispose?(): Promise<void> }} Engine */

/** @returns {Engine} */
export function serverEngine(base = ".") {
  return {
    name: "server",
    async run(task, request) {
      const response = await fetch(`${base}/v1/${task}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
      });
      const body = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
      if (!response.ok) {
        const retry = response.headers.get("retry-after");
        throw new Error(`${body.message ?? `HTTP ${response.status}`}${retry ? ` (retry in ${retry} s)` : ""}`);
      }
      return body;
    },
  };
}

/**
 * Loads the browser engine when the browser build is served under /web/; resolves undefined otherwise.
 * @param {object} modelInfo what GET /v1/model answered, so the browser engine can fetch the same model
 * @returns {Promise<Engine | undefined>}
 */
export async function browserEngine(modelInfo) {
  const url = new URL("./web/page-engine.js", document.baseURI).href;
  const probe = await fetch(url, { method: "HEAD" }).catch(() => undefined);
  if (!probe?.ok) return undefined;
  const module = await import(url);
  if (typeof module.createEngine !== "function") return undefined;
  return module.createEngine({ model: modelInfo, baseUrl: new URL("./", document.baseURI).href });
}

/** Model facts for the header, or a stub when the server does not say. */
export async function fetchModelInfo() {
  const response = await fetch("./v1/model").catch(() => undefined);
  if (!response?.ok) return undefined;
  return response.json();
}

/**
 * Each task's default threshold, as the server's OpenAPI document states it (generated from the task registry,
 * so the page never keeps a copy): `{ ner: 0.5, summarize: 0.25, ... }`. The slider's field is `threshold`, or
 * `entityThreshold` for relations. Empty when the document cannot be read.
 * @returns {Promise<Record<string, number>>}
 */
export async function fetchThresholdDefaults() {
  const response = await fetch("./openapi.json").catch(() => undefined);
  if (!response?.ok) return {};
  const doc = await response.json().catch(() => ({}));
  const defaults = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const task = /^\/v1\/([a-z]+)$/.exec(path)?.[1];
    const properties = item?.post?.requestBody?.content?.["application/json"]?.schema?.properties ?? {};
    const value = properties.threshold?.default ?? properties.entityThreshold?.default;
    if (task && typeof value === "number") defaults[task] = value;
  }
  return defaults;
}

/**
 * What a model source is, without the code that fetches it: the page-side client needs only this, so the
 * fetching and hub code stays in the worker's bundle.
 */

/** A model's files in memory, by their path in the model folder: `{ "gliner_config.json": "...", "onnx/model.onnx": bytes }`. */
export type ModelBytes = Readonly<Record<string, Uint8Array | ArrayBuffer | string>>;

/** `http(s):`, `blob:` or any other scheme: an absolute URL. */
const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:/i;

/** True when `source` names a URL folder rather than a hub repo id: absolute, or starting with `/`, `./`, `../`. */
export function isUrlSource(source: string): boolean {
  return ABSOLUTE_URL.test(source) || /^\.{0,2}\//.test(source);
}

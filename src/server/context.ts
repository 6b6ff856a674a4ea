/** What every route needs: the model (once loaded), the batcher, the settings, and per-request helpers. */
import type { FastifyReply } from "fastify";
import type { GLiNERBase } from "../index.js";
import type { Batcher } from "./batcher.js";
import { HttpError } from "./http-errors.js";
import type { ResolvedOptions } from "./options.js";

export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly batcher: Batcher;
  /** The loaded model; throws 503 NOT_READY while it is still loading. */
  model(): GLiNERBase;
  /** True once the model is loaded and the server is not shutting down. */
  ready(): boolean;
}

/** Aborted when the client goes away before its response is sent, so its queued work is dropped. */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Long texts are fine (they are windowed), but not beyond the configured cap. */
export function checkTextLength(text: string, maxTextLength: number, field: string): void {
  if (text.length > maxTextLength) {
    throw new HttpError(
      413,
      "TEXT_TOO_LONG",
      `${field} has ${text.length} characters (UTF-16 code units); this server accepts at most ${maxTextLength}. Split the document or raise --max-text-length.`,
    );
  }
}

/** Exactly one of `text` and `texts`, each within the length cap. */
export function pickTexts(body: { text?: string; texts?: string[] }, maxTextLength: number): { texts: string[]; single: boolean } {
  if ((body.text === undefined) === (body.texts === undefined)) {
    throw new HttpError(400, "INVALID_INPUT", 'Give either "text" (one string) or "texts" (an array of strings), not both and not neither.');
  }
  const texts = body.text === undefined ? (body.texts as string[]) : [body.text];
  texts.forEach((text, i) => checkTextLength(text, maxTextLength, body.text === undefined ? `texts[${i}]` : "text"));
  return { texts, single: body.text !== undefined };
}

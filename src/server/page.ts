/**
 * The web page at `/` (plain HTML, CSS and JS from ./page, no CDN) and, when it has been built, the browser
 * bundle `dist-web/` under `/web/` so the page can also run the model in the browser.
 */
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** ./page next to this module: src/server/page under tsx, dist/server/page after `npm run build` copies it. */
export const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));
/** The browser build at the package root; the same two levels up from src/server and dist/server. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../dist-web/", import.meta.url));

/**
 * Cross-origin isolation for the page and the browser bundle: it lets onnxruntime-web use WASM threads when
 * the page runs the model in the browser. Everything the page loads comes from this server, so nothing breaks.
 */
const ISOLATION = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
const isolate = (reply: FastifyReply) => void reply.headers(ISOLATION);

export async function registerPage(app: FastifyInstance, webDir: string | undefined): Promise<void> {
  if (!existsSync(PAGE_DIR)) {
    throw new Error(`The web page's files are missing (${PAGE_DIR}); run "npm run build", which copies them, or start with page: false.`);
  }
  await app.register(fastifyStatic, {
    root: PAGE_DIR,
    prefix: "/",
    wildcard: false, // only the page's own files; everything else falls through to the routes and the 404 handler
    index: ["index.html"],
    decorateReply: false,
    schemaHide: true,
    setHeaders: isolate,
  });
  const web = webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(web)) {
    await app.register(fastifyStatic, { root: web, prefix: "/web/", decorateReply: false, schemaHide: true, setHeaders: isolate });
  }
}

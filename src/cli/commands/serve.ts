/**
 * `gliner-ts serve`: the HTTP server (every task under /v1, the Python-compatible /gliner route, the web page
 * at /, OpenAPI at /openapi.json and /docs, Prometheus at /metrics). Listens first, then loads the model;
 * runs until SIGTERM/SIGINT, which finish in-flight work before exiting.
 */
import type { Command } from "commander";
import { InvalidInputError } from "../../errors.js";
import { DEFAULT_RECYCLE_IDLE_MS } from "../../runtime/recycle.js";
import { DEFAULT_BATCHING, DEFAULT_LIMITS } from "../../server/options.js";
import { closeOnSignals, serve } from "../../server/serve.js";
import { EXIT } from "../exit.js";
import { loadGliner2FromFlags, loadModelFromFlags, type ModelFlags, parseInteger, parseList, parseNumber, withModelFlags } from "../io.js";

interface ServeFlags extends ModelFlags {
  host: string;
  port: number;
  maxBatchSize: number;
  maxWaitMs: number;
  maxQueue: number;
  timeoutMs: number;
  batching: boolean;
  bodyLimit: number;
  maxTextLength: number;
  maxTexts: number;
  maxLabels: number;
  maxLabelLength: number;
  cors?: string[];
  compatRoute: string;
  compat: boolean;
  page: boolean;
  log?: boolean;
  gliner2?: string;
  recycleAfterMb: number | "auto";
  recycleIdleMs: number;
}

/** The server's memory policy by default (the library's is off): see docs/server.md, "Memory". */
export const SERVE_RECYCLE_AFTER_MB = "auto";

/** `--recycle-after-mb`: "auto" or megabytes. */
function parseRecycleAfter(value: string): number | "auto" {
  return value === "auto" ? "auto" : parseNumber(value);
}

export function registerServeCommand(program: Command): void {
  withModelFlags(program.command("serve").description("HTTP server: /v1 task API, Python-compatible /gliner route, web page at /"))
    .option("--host <host>", "interface to listen on (0.0.0.0 exposes it beyond this machine)", "127.0.0.1")
    .option("-p, --port <port>", "port (0: any free port)", parseInteger, 8080)
    .option("--max-batch-size <n>", "most texts per model call", parseInteger, DEFAULT_BATCHING.maxBatchSize)
    .option("--max-wait-ms <ms>", "how long a request waits for others to share its model call", parseNumber, DEFAULT_BATCHING.maxWaitMs)
    .option("--max-queue <n>", "most texts waiting; more get 429 + Retry-After", parseInteger, DEFAULT_BATCHING.maxQueue)
    .option("--timeout-ms <ms>", "per-request time limit, queueing included", parseInteger, DEFAULT_BATCHING.timeoutMs)
    .option("--no-batching", "run every request on its own (same as --max-batch-size 1 --max-wait-ms 0)")
    .option("--body-limit <bytes>", "largest request body", parseInteger, DEFAULT_LIMITS.bodyLimit)
    .option("--max-text-length <n>", "longest text in UTF-16 code units (longer ones below it are windowed)", parseInteger, DEFAULT_LIMITS.maxTextLength)
    .option("--max-texts <n>", "most texts per request", parseInteger, DEFAULT_LIMITS.maxTexts)
    .option("--max-labels <n>", "most labels per request", parseInteger, DEFAULT_LIMITS.maxLabels)
    .option("--max-label-length <n>", "longest label", parseInteger, DEFAULT_LIMITS.maxLabelLength)
    .option("--cors <origins>", "allow cross-origin requests from these comma-separated origins ('*' for any)", parseList)
    .option("--compat-route <path>", "route of the drop-in API for Python gliner.serve clients", "/gliner")
    .option("--no-compat", "no Python-compatible route")
    .option("--no-page", "no web page at /")
    .option("--log", "log every request (JSON lines on stdout)")
    .option(
      "--recycle-after-mb <mb>",
      "re-create the ONNX session, giving its memory back, once the process has grown this many MB above its size after loading and the model is idle (auto: that size, at least 512; 0: never)",
      parseRecycleAfter,
      SERVE_RECYCLE_AFTER_MB,
    )
    .option("--recycle-idle-ms <ms>", "idle time before that re-creation", parseInteger, DEFAULT_RECYCLE_IDLE_MS)
    .option("--gliner2 <id|dir>", "also serve this GLiNER2 model at POST /v1/schema (and the page's Schema task)")
    .action(async (flags: ServeFlags) => runServe(flags));
}

async function runServe(flags: ServeFlags): Promise<void> {
  if (flags.port < 0 || flags.port > 65535) throw new InvalidInputError("--port", `--port must be 0–65535; got ${flags.port}.`);
  const cors = flags.cors === undefined ? false : flags.cors.includes("*") ? true : flags.cors;
  // The model runs in a worker thread, so /healthz, timers and other requests are served while it computes.
  // ONNX Runtime's arena keeps the memory of the largest batch; the server gives it back when idle.
  const loading = loadModelFromFlags(flags, { offMainThread: true, recycleAfterMb: flags.recycleAfterMb, recycleIdleMs: flags.recycleIdleMs });
  const server = await serve(loading, {
    host: flags.host,
    port: flags.port,
    cors,
    compatRoute: flags.compat ? flags.compatRoute : false,
    page: flags.page,
    logger: flags.log === true,
    // --max-length is the GLiNER model's; GLiNER2 requests carry their own maxLength.
    ...(flags.gliner2 === undefined ? {} : { gliner2: loadGliner2FromFlags({ ...flags, model: flags.gliner2, maxLength: undefined }) }),
    batching: flags.batching
      ? { maxBatchSize: flags.maxBatchSize, maxWaitMs: flags.maxWaitMs, maxQueue: flags.maxQueue, timeoutMs: flags.timeoutMs }
      : { maxBatchSize: 1, maxWaitMs: 0, maxQueue: flags.maxQueue, timeoutMs: flags.timeoutMs },
    limits: {
      bodyLimit: flags.bodyLimit,
      maxTextLength: flags.maxTextLength,
      maxTexts: flags.maxTexts,
      maxLabels: flags.maxLabels,
      maxLabelLength: flags.maxLabelLength,
    },
  });
  process.stderr.write(`gliner-ts: listening on ${server.url} (page ${server.url}/, docs ${server.url}/docs); loading ${flags.model}…\n`);
  const stopped = closeOnSignals(server, { forceAfterMs: flags.timeoutMs + 5000 });
  try {
    const model = await server.model;
    process.stderr.write(`gliner-ts: ready (${model.source}, ${model.config.mode} model)\n`);
  } catch (error) {
    await server.close();
    throw error; // main() reports it and exits 3 for load failures
  }
  await stopped;
  process.exitCode = EXIT.ok;
}

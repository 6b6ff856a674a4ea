/**
 * Listening and shutting down. `serve()` listens first and loads the model behind it, so `/healthz` answers
 * at once and `/readyz` turns 200 when the model is in. On SIGTERM/SIGINT the server stops accepting
 * connections, finishes every request already received (queued texts included), then releases the model.
 */
import type { GLiNERBase } from "../index.js";
import { createApp, type GlinerApp } from "./app.js";
import type { ServerOptions } from "./options.js";

export interface ServeOptions extends ServerOptions {
  /** Interface to listen on (default 127.0.0.1: loopback only; use 0.0.0.0 to expose it). */
  readonly host?: string;
  /** Port (default 8080; 0 picks a free one). */
  readonly port?: number;
}

export interface RunningServer {
  readonly app: GlinerApp;
  /** e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Resolves with the model once loaded; rejects if loading failed. */
  readonly model: Promise<GLiNERBase>;
  /** Graceful stop: in-flight requests finish, then the model is released. Idempotent. */
  close(): Promise<void>;
}

export async function serve(model: GLiNERBase | Promise<GLiNERBase>, options: ServeOptions = {}): Promise<RunningServer> {
  const loading = Promise.resolve(model);
  loading.catch(() => {}); // reported by whoever awaits `model`; never an unhandled rejection here
  const app = await createApp(loading, options);
  await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8080 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 8080);
  const host = options.host ?? "127.0.0.1";
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    model: loading,
    close() {
      closing ??= (async () => {
        await app.close();
        const loaded = await loading.catch(() => undefined);
        await loaded?.dispose();
        const gliner2 = await Promise.resolve(options.gliner2).catch(() => undefined);
        await gliner2?.dispose();
      })();
      return closing;
    },
  };
}

/**
 * Closes the server gracefully on SIGTERM or SIGINT; a second signal, or `forceAfterMs` without finishing,
 * exits at once. Resolves when the server has closed.
 */
export function closeOnSignals(server: RunningServer, options: { forceAfterMs: number; log?: (line: string) => void }): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return new Promise((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        log(`gliner-ts: ${signal} again, exiting now.`);
        process.exit(130);
      }
      signalled = true;
      const { depth, inFlight } = server.app.batcher;
      log(`gliner-ts: ${signal}: finishing ${depth} queued and ${inFlight} running batches, then exiting.`);
      const force = setTimeout(() => {
        log(`gliner-ts: shutdown took longer than ${options.forceAfterMs} ms; exiting.`);
        process.exit(1);
      }, options.forceAfterMs);
      force.unref();
      const done = () => {
        clearTimeout(force);
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
        resolve();
      };
      server.close().then(done, (error: unknown) => {
        log(`gliner-ts: error while shutting down: ${error instanceof Error ? error.message : String(error)}`);
        done();
      });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

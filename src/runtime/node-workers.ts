/**
 * A {@link Session} backed by a pool of worker threads, each with its own ONNX Runtime session (the cores
 * shared out between them for intra-op threads, unless set: session-defaults.ts). onnxruntime-node runs a session synchronously on the calling thread, so a single session
 * can only use more cores through intra-op threads, which scale poorly on GLiNER-sized operators; N workers run
 * N batches at once instead (docs/performance.md has the measurements). Costs N copies of the model in memory.
 */
import { Worker } from "node:worker_threads";
import { ModelLoadError, InferenceError } from "../errors.js";
import type { FloatTensor, Session, TensorData } from "./runtime.js";
import type { ResolvedSessionOptions } from "./session-defaults.js";

/** Messages from a worker (see node-worker-entry.ts). */
export type WorkerReply =
  | { type: "ready"; inputNames: string[]; outputNames: string[] }
  | { type: "failed"; message: string }
  | { type: "result"; id: number; outputs: Record<string, FloatTensor> }
  | { type: "error"; id: number; message: string };

interface Job {
  readonly feeds: Readonly<Record<string, TensorData>>;
  readonly outputs: readonly string[];
  resolve(value: Record<string, FloatTensor>): void;
  reject(reason: unknown): void;
}

/** `options` are resolved (session-defaults.ts): the intra-op threads are already those of one worker. */
export async function createWorkerSession(model: string | Uint8Array, options: ResolvedSessionOptions): Promise<Session> {
  const count = options.workers;
  const workerOptions: ResolvedSessionOptions = { ...options, workers: 1 };
  const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(model, workerOptions)));
  const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure !== undefined) {
    await Promise.all(workers.map((w) => w.worker.terminate()));
    throw failure.reason;
  }
  const names = (workers[0] as StartedWorker).names;
  const idle = workers.map((w) => w.worker);
  const queue: Job[] = [];
  const running = new Map<number, Job>();
  let nextId = 0;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Job;
      const id = nextId++;
      running.set(id, job);
      const settle = (reply: WorkerReply) => {
        if ((reply.type !== "result" && reply.type !== "error") || reply.id !== id) return;
        worker.off("message", settle);
        worker.unref();
        running.delete(id);
        idle.push(worker);
        if (reply.type === "result") job.resolve(reply.outputs);
        else job.reject(new InferenceError(`ONNX Runtime failed in a worker thread: ${reply.message}`));
        dispatch();
      };
      worker.on("message", settle);
      worker.ref(); // a run in flight keeps the process alive; an idle pool does not
      worker.postMessage({ id, feeds: job.feeds, outputs: job.outputs });
    }
  };
  for (const { worker } of workers) {
    worker.on("error", (error) => {
      for (const job of running.values()) job.reject(new InferenceError(`A gliner-ts worker thread crashed: ${String(error)}`, { cause: error }));
      running.clear();
    });
  }

  return {
    inputNames: names.inputNames,
    outputNames: names.outputNames,
    concurrency: count,
    run(feeds, outputs) {
      return new Promise((resolve, reject) => {
        queue.push({ feeds, outputs, resolve, reject });
        dispatch();
      });
    },
    async release() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

interface StartedWorker {
  readonly worker: Worker;
  readonly names: { inputNames: string[]; outputNames: string[] };
}

function startWorker(model: string | Uint8Array, options: ResolvedSessionOptions): Promise<StartedWorker> {
  const worker = new Worker(workerBootstrap(), { eval: true, workerData: { model, options } });
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.type === "ready") {
        worker.off("message", onMessage);
        worker.off("error", reject);
        worker.unref();
        resolve({ worker, names: { inputNames: reply.inputNames, outputNames: reply.outputNames } });
      } else if (reply.type === "failed") {
        void worker.terminate();
        reject(new ModelLoadError(reply.message));
      }
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
  });
}

/**
 * The worker's code: an import of node-worker-entry. Built, that is a .js file next to this one; run from source
 * (tests and benches run through tsx), it is the .ts file, and the worker first registers tsx's loader, which
 * Node 20 does not pass on to worker threads.
 */
function workerBootstrap(): string {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = JSON.stringify(new URL(`./node-worker-entry.${fromSource ? "ts" : "js"}`, import.meta.url).href);
  if (!fromSource) return `import(${entry});`;
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return `import(${tsx}).then(({ register }) => { register(); return import(${entry}); });`;
}

/**
 * Memory policy for long-running processes: ONNX Runtime's CPU arena keeps the memory of the largest batch it
 * ever ran (onnxruntime-node has no call to shrink it, and turning the arena off costs 30–45% speed). Releasing
 * the session does give it back (measured in docs/server.md), so a {@link recyclingSession} re-creates its session
 * once the process has grown more than `recycleAfterMb` above its size after loading and the model has then been
 * idle for `recycleIdleMs`.
 *
 * The new session is created next to the old one: runs that arrive meanwhile go to the old session and are
 * answered as usual; the old one is released once its last run has finished. Runtime-neutral: the runtime says
 * how big the process is (`Runtime.memoryMb`).
 */
import { InvalidInputError } from "../errors.js";
import { emitWarning } from "../warnings.js";
import type { Runtime, Session, SessionOptions, SessionRecycling } from "./runtime.js";

export interface RecyclePolicy {
  /**
   * Growth of the process (MB) over its size right after the session was created that makes it recycle;
   * "auto": that size itself, at least {@link AUTO_RECYCLE_MIN_MB} (recycle once the process has doubled).
   */
  readonly afterMb: number | "auto";
  /** How long the session must have been idle (no run in flight) before it is re-created. */
  readonly idleMs: number;
}

export const DEFAULT_RECYCLE_IDLE_MS = 2000;
/**
 * The floor of "auto". Scaling with the loaded size keeps a large model (~2 GB loaded, whose ordinary batches
 * grow the arena by hundreds of MB) from re-creating its session after every quiet spell, while a small one
 * still gives back a one-off large request's memory.
 */
export const AUTO_RECYCLE_MIN_MB = 512;

/** The policy the session options ask for, or undefined when recycling is off (the library's default). */
export function recyclePolicy(options: SessionOptions): RecyclePolicy | undefined {
  const { recycleAfterMb: afterMb, recycleIdleMs: idleMs = DEFAULT_RECYCLE_IDLE_MS } = options;
  if (afterMb !== undefined && afterMb !== "auto" && !(typeof afterMb === "number" && Number.isFinite(afterMb) && afterMb >= 0)) {
    throw new InvalidInputError("session.recycleAfterMb", `session.recycleAfterMb must be "auto" or a number of megabytes ≥ 0 (0: never recycle); got ${String(afterMb)}.`);
  }
  if (!(Number.isInteger(idleMs) && idleMs >= 0)) {
    throw new InvalidInputError("session.recycleIdleMs", `session.recycleIdleMs must be an integer number of milliseconds ≥ 0; got ${idleMs}.`);
  }
  return afterMb === undefined || afterMb === 0 ? undefined : { afterMb, idleMs };
}

/**
 * `runtime.createSession` under the options' memory policy, if any. The policy is checked first (`policyFor`),
 * so that a wrong setting is an InvalidInputError, not a load failure.
 */
export async function createSessionWithPolicy(runtime: Runtime, model: string | Uint8Array, options: SessionOptions): Promise<Session> {
  const policy = policyFor(runtime, options);
  const { recycleAfterMb: _after, recycleIdleMs: _idle, ...sessionOptions } = options;
  const create = () => runtime.createSession(model, sessionOptions);
  if (policy === undefined || runtime.memoryMb === undefined) return create();
  const warn = (error: unknown) =>
    emitWarning(`gliner-ts: re-creating the ONNX session to free memory failed; the current one stays in service: ${String(error)}`, "GlinerRecycleWarning");
  return recyclingSession(create, policy, runtime.memoryMb.bind(runtime), warn);
}

/** {@link recyclePolicy}, refused on a runtime that cannot measure memory. */
export function policyFor(runtime: Runtime, options: SessionOptions): RecyclePolicy | undefined {
  const policy = recyclePolicy(options);
  if (policy !== undefined && runtime.memoryMb === undefined) {
    throw new InvalidInputError("session.recycleAfterMb", `session.recycleAfterMb needs a runtime that measures the process's memory (Node); the ${runtime.name} runtime does not.`);
  }
  return policy;
}

/**
 * A session that re-creates itself (through `create`) under `policy`. `memoryMb` measures the process (RSS);
 * `onError` hears of a re-creation that failed (the old session then stays in service).
 */
export async function recyclingSession(
  create: () => Promise<Session>,
  policy: RecyclePolicy,
  memoryMb: () => number,
  onError: (error: unknown) => void = () => {},
): Promise<Session> {
  let current = await create();
  const first = current;
  const runs = new Map<Session, number>([[current, 0]]);
  const retired = new Set<Session>();
  let baselineMb = memoryMb();
  const afterMb = policy.afterMb === "auto" ? Math.max(AUTO_RECYCLE_MIN_MB, Math.round(baselineMb)) : policy.afterMb;
  let grown = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let recreating: Promise<void> | undefined;
  let released = false;
  const stats = { thresholdMb: afterMb, count: 0, failures: 0, lastMs: undefined as number | undefined };

  const inFlight = () => [...runs.values()].reduce((a, b) => a + b, 0);
  const release = async (session: Session) => {
    runs.delete(session);
    retired.delete(session);
    await session.release();
    baselineMb = memoryMb();
  };
  const recreate = async () => {
    const started = performance.now();
    try {
      const fresh = await create();
      const old = current;
      current = fresh;
      runs.set(fresh, 0);
      stats.count++;
      stats.lastMs = performance.now() - started;
      grown = false;
      baselineMb = memoryMb(); // the old session's memory still counts until it is released (then measured again)
      if ((runs.get(old) ?? 0) === 0) await release(old);
      else retired.add(old); // released by the last of its runs
    } catch (error) {
      stats.failures++;
      grown = false; // tried once for this growth; the next large batch tries again
      onError(error);
    }
  };
  const schedule = () => {
    if (!grown || released || recreating !== undefined || timer !== undefined || inFlight() > 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (inFlight() > 0 || released) return; // a run came in: its end schedules again
      recreating = recreate().finally(() => (recreating = undefined));
    }, policy.idleMs);
    // An idle server's recycling must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  };

  return {
    inputNames: first.inputNames,
    outputNames: first.outputNames,
    ...(first.concurrency === undefined ? {} : { concurrency: first.concurrency }),
    async run(feeds, outputs) {
      clearTimeout(timer);
      timer = undefined;
      const session = current;
      runs.set(session, (runs.get(session) ?? 0) + 1);
      try {
        return await session.run(feeds, outputs);
      } finally {
        runs.set(session, (runs.get(session) ?? 1) - 1);
        if (retired.has(session) && runs.get(session) === 0) await release(session).catch(onError);
        if (memoryMb() - baselineMb > afterMb) grown = true;
        schedule();
      }
    },
    recycling: (): SessionRecycling => ({ ...stats, recreating: recreating !== undefined }),
    async release() {
      released = true;
      clearTimeout(timer);
      await recreating;
      await Promise.all([current, ...retired].map((session) => release(session)));
    },
  };
}

/**
 * Micro-batching, the way inference servers do it: work items from many concurrent requests wait in one
 * bounded queue; items that share a batch key (same task and options) are coalesced into one model call of up
 * to `maxBatchSize` items. A lone item waits at most `maxWaitMs` for company; while a batch runs, new items
 * accumulate and go out as soon as the model is free. Every item has a deadline. The model runs one batch at a
 * time (`concurrency`, default 1): on CPU, ONNX Runtime already uses every core for one call, so parallel
 * calls only fight over them.
 */

/** A group of items that may share one model call. Items with the same `key` are run by the first one's `run`. */
export interface BatchGroup<I, O> {
  readonly key: string;
  /**
   * Runs a batch; returns one result per input, in order. An `Error` in place of a result fails only that item.
   * `signal` aborts once every item of the batch has passed its deadline: the remaining model passes are skipped.
   */
  run(inputs: readonly I[], signal?: AbortSignal): Promise<readonly (O | Error)[]>;
}

export interface BatcherOptions {
  /** Most items per model call; 1 turns batching off. */
  readonly maxBatchSize: number;
  /** How long the first item of a batch waits for more before the batch goes out anyway. */
  readonly maxWaitMs: number;
  /** Most items waiting (not yet running); more are refused with {@link QueueFullError}. */
  readonly maxQueue: number;
  /** Time from submission to result; past it the item fails with {@link DeadlineError}. */
  readonly timeoutMs: number;
  /** Batches running at once (default 1). */
  readonly concurrency?: number;
  /** Milliseconds on a monotonic clock (default `performance.now`); tests pass a mocked one. */
  readonly clock?: () => number;
}

/** What the batcher reports, for metrics. */
export interface BatcherObserver {
  onBatch?(size: number, seconds: number, key: string): void;
  onQueueDepth?(depth: number): void;
  onReject?(reason: "queue_full" | "timeout" | "closed"): void;
}

/** The queue is full; retry after `retryAfterSeconds`. */
export class QueueFullError extends Error {
  override name = "QueueFullError";
  constructor(readonly retryAfterSeconds: number, readonly queued: number) {
    super(`The server is busy: ${queued} texts are already waiting. Retry after ${retryAfterSeconds} s.`);
  }
}

/** The item did not finish within the per-request timeout. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
  constructor(readonly timeoutMs: number, readonly retryAfterSeconds: number) {
    super(`The request did not finish within ${timeoutMs} ms; the server is overloaded or the text is very long.`);
  }
}

/** The batcher is shutting down and takes no new work. */
export class ClosedError extends Error {
  override name = "ClosedError";
  constructor() {
    super("The server is shutting down and takes no new requests.");
  }
}

interface Job {
  readonly group: BatchGroup<unknown, unknown>;
  readonly input: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly enqueuedAt: number;
  settled: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** Set while the job's batch runs: called when the job expires there. */
  onExpiredWhileRunning?: () => void;
}

export class Batcher {
  private readonly queue: Job[] = [];
  private running = 0;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Exponential moving average of seconds per batch, for Retry-After. */
  private batchSeconds = 0.05;
  private readonly concurrency: number;
  private readonly now: () => number;

  constructor(
    readonly options: BatcherOptions,
    private readonly observer: BatcherObserver = {},
  ) {
    this.concurrency = options.concurrency ?? 1;
    this.now = options.clock ?? (() => performance.now());
  }

  /** Items waiting for a model call. */
  get depth(): number {
    return this.queue.length;
  }

  /** Batches running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Queues one item; resolves with its result. `signal` drops it from the queue if the client goes away. */
  submit<I, O>(group: BatchGroup<I, O>, input: I, signal?: AbortSignal): Promise<O> {
    return this.submitMany(group, [input], signal)[0] as Promise<O>;
  }

  /**
   * Queues several items at once, all or none: a request's texts are admitted together so a request is never
   * half-refused. The items may still run in different batches.
   */
  submitMany<I, O>(group: BatchGroup<I, O>, inputs: readonly I[], signal?: AbortSignal): Promise<O>[] {
    if (this.closed) {
      this.observer.onReject?.("closed");
      const error = new ClosedError();
      return inputs.map(() => Promise.reject(error));
    }
    if (this.queue.length + inputs.length > this.options.maxQueue) {
      this.observer.onReject?.("queue_full");
      const error = new QueueFullError(this.retryAfterSeconds(), this.queue.length);
      return inputs.map(() => Promise.reject(error));
    }
    const jobs: Job[] = [];
    const promises = inputs.map(
      (input) =>
        new Promise<O>((resolve, reject) => {
          const job: Job = {
            group: group as BatchGroup<unknown, unknown>,
            input,
            resolve: resolve as (value: unknown) => void,
            reject,
            enqueuedAt: this.now(),
            settled: false,
          };
          job.timer = setTimeout(() => this.expire(job), this.options.timeoutMs);
          jobs.push(job);
        }),
    );
    this.queue.push(...jobs);
    signal?.addEventListener("abort", () => jobs.forEach((job) => this.drop(job)), { once: true });
    this.observer.onQueueDepth?.(this.queue.length);
    this.schedule();
    return promises;
  }

  /** Refuses new work and resolves once everything queued or running has finished. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && this.running === 0) return;
    // Whatever is queued goes out now, without waiting for company.
    this.schedule();
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Seconds a client should wait before retrying, from the queue length and recent batch times. */
  retryAfterSeconds(): number {
    const batchesAhead = Math.ceil(this.queue.length / this.options.maxBatchSize) / this.concurrency;
    return Math.max(1, Math.ceil(batchesAhead * this.batchSeconds));
  }

  /** Starts batches while a lane is free and the oldest item is ready; otherwise waits for company. */
  private schedule(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const head = this.queue[0] as Job;
      const waited = this.now() - head.enqueuedAt;
      const ready = this.closed || waited >= this.options.maxWaitMs || this.countKey(head.group.key) >= this.options.maxBatchSize;
      if (!ready) {
        this.waitTimer ??= setTimeout(() => {
          this.waitTimer = undefined;
          this.schedule();
        }, this.options.maxWaitMs - waited);
        return;
      }
      this.clearWait();
      void this.dispatch(); // takes its items off the queue synchronously
    }
  }

  private clearWait(): void {
    if (this.waitTimer !== undefined) clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
  }

  /** Takes the oldest item and every queued item with its key (up to the batch size), and runs them. */
  private async dispatch(): Promise<void> {
    const head = this.queue[0];
    if (head === undefined) return;
    const batch: Job[] = [];
    for (let i = 0; i < this.queue.length && batch.length < this.options.maxBatchSize; ) {
      const job = this.queue[i] as Job;
      if (job.group.key === head.group.key) {
        batch.push(job);
        this.queue.splice(i, 1);
      } else i++;
    }
    this.observer.onQueueDepth?.(this.queue.length);
    this.running++;
    const started = this.now();
    const cancel = new AbortController();
    for (const job of batch) {
      job.onExpiredWhileRunning = () => {
        if (batch.every((j) => j.settled)) cancel.abort(new DeadlineError(this.options.timeoutMs, this.retryAfterSeconds()));
      };
    }
    try {
      const outputs = await head.group.run(
        batch.map((job) => job.input),
        cancel.signal,
      );
      if (outputs.length !== batch.length) throw new Error(`batch of ${batch.length} returned ${outputs.length} results`);
      batch.forEach((job, i) => {
        const output = outputs[i];
        this.settle(job, () => (output instanceof Error ? job.reject(output) : job.resolve(output)));
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      batch.forEach((job) => this.settle(job, () => job.reject(failure)));
    } finally {
      const seconds = (this.now() - started) / 1000;
      this.batchSeconds = 0.8 * this.batchSeconds + 0.2 * seconds;
      this.observer.onBatch?.(batch.length, seconds, head.group.key);
      this.running--;
      this.schedule();
      this.notifyIdle();
    }
  }

  private countKey(key: string): number {
    let n = 0;
    for (const job of this.queue) if (job.group.key === key) n++;
    return n;
  }

  private settle(job: Job, action: () => void): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    action();
  }

  private expire(job: Job): void {
    if (job.settled) return;
    this.removeQueued(job);
    this.observer.onReject?.("timeout");
    // A model call cannot be interrupted inside ONNX Runtime, but once no item of a running batch is waiting
    // for it, the batch is aborted before its next pass.
    this.settle(job, () => job.reject(new DeadlineError(this.options.timeoutMs, this.retryAfterSeconds())));
    job.onExpiredWhileRunning?.();
  }

  private drop(job: Job): void {
    if (job.settled || !this.removeQueued(job)) return;
    this.settle(job, () => job.reject(new Error("client went away")));
  }

  private removeQueued(job: Job): boolean {
    const index = this.queue.indexOf(job);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    this.observer.onQueueDepth?.(this.queue.length);
    this.notifyIdle();
    return true;
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}

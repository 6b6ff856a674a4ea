/**
 * The micro-batcher on its own, with instrumented batch functions: coalescing, waiting, limits, deadlines, shutdown.
 * The timing tests run on mocked time (node:test's timers and Date, the batcher's clock), never the wall clock.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Batcher, type BatchGroup, ClosedError, DeadlineError, QueueFullError } from "../../src/server/batcher.js";

/** A group that records each batch it runs and answers `input * 10`, after `delayMs`. */
function recordingGroup(key: string, delayMs = 0) {
  const batches: number[][] = [];
  const group: BatchGroup<number, number> = {
    key,
    async run(inputs) {
      batches.push([...inputs]);
      if (delayMs > 0) await sleep(delayMs);
      return inputs.map((n) => n * 10);
    },
  };
  return { group, batches };
}

/** A group whose batches wait until the test calls `release()` (oldest first): ordering without any clock. */
function gatedGroup(key: string) {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let active = 0;
  const group: BatchGroup<number, number> = {
    key,
    async run(inputs) {
      batches.push([...inputs]);
      active++;
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
      return inputs.map((n) => n * 10);
    },
  };
  const release = () => gates.shift()?.();
  return { group, batches, release, running: () => active };
}

/** Lets pending promise callbacks run (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const settings = { maxBatchSize: 4, maxWaitMs: 20, maxQueue: 100, timeoutMs: 5000 };

describe("Batcher", () => {
  test("concurrent items are coalesced up to maxBatchSize, in arrival order, and each gets its own result", async () => {
    const batcher = new Batcher(settings);
    const { group, batches } = recordingGroup("a");
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batcher.submit(group, n)));
    assert.deepEqual(results, [10, 20, 30, 40, 50, 60]);
    // The fourth item fills the first batch, which goes out at once; 5 and 6 arrive while it runs and go together.
    assert.deepEqual(batches, [[1, 2, 3, 4], [5, 6]]);
  });

  test("items with different keys never share a batch", async () => {
    const batcher = new Batcher(settings);
    const a = recordingGroup("a");
    const b = recordingGroup("b");
    await Promise.all([batcher.submit(a.group, 1), batcher.submit(b.group, 2), batcher.submit(a.group, 3), batcher.submit(b.group, 4)]);
    assert.deepEqual(a.batches, [[1, 3]]);
    assert.deepEqual(b.batches, [[2, 4]]);
  });

  test("a lone item waits maxWaitMs for company, then goes (mocked time)", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
    const batcher = new Batcher({ ...settings, maxWaitMs: 60, clock: () => Date.now() });
    const { group, batches } = recordingGroup("a");
    const first = batcher.submit(group, 1);
    t.mock.timers.tick(20);
    const second = batcher.submit(group, 2); // arrives within the window: shares the call
    t.mock.timers.tick(39);
    await settle();
    assert.deepEqual(batches, [], "nothing goes out before the 60 ms window closes");
    t.mock.timers.tick(1);
    assert.deepEqual(await Promise.all([first, second]), [10, 20]);
    assert.deepEqual(batches, [[1, 2]]);
  });

  test("maxBatchSize 1 turns batching off", async () => {
    const batcher = new Batcher({ ...settings, maxBatchSize: 1, maxWaitMs: 0 });
    const { group, batches } = recordingGroup("a");
    await Promise.all([1, 2, 3].map((n) => batcher.submit(group, n)));
    assert.deepEqual(batches, [[1], [2], [3]]);
  });

  test("a full queue refuses new items with QueueFullError and a Retry-After estimate; admitted items still finish", async () => {
    const batcher = new Batcher({ ...settings, maxBatchSize: 1, maxWaitMs: 0, maxQueue: 2 });
    const { group } = recordingGroup("a", 30);
    const running = batcher.submit(group, 1); // dispatched at once, leaves the queue
    const queued = [batcher.submit(group, 2), batcher.submit(group, 3)];
    await assert.rejects(batcher.submit(group, 4), (error: unknown) => {
      assert.ok(error instanceof QueueFullError);
      assert.ok(error.retryAfterSeconds >= 1);
      assert.match(error.message, /2 texts are already waiting/);
      return true;
    });
    assert.deepEqual(await Promise.all([running, ...queued]), [10, 20, 30]);
  });

  test("submitMany admits a request's items all together or not at all", async () => {
    const batcher = new Batcher({ ...settings, maxQueue: 3, maxWaitMs: 50 });
    const { group, batches } = recordingGroup("a");
    const refused = batcher.submitMany(group, [1, 2, 3, 4]);
    for (const p of refused) await assert.rejects(p, QueueFullError);
    assert.equal(batcher.depth, 0, "nothing of the refused request stays queued");
    assert.deepEqual(await Promise.all(batcher.submitMany(group, [5, 6, 7])), [50, 60, 70]);
    assert.deepEqual(batches, [[5, 6, 7]]);
  });

  test("an item past its deadline fails with DeadlineError, queued or running; the others are unaffected (mocked time)", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
    const batcher = new Batcher({ ...settings, maxBatchSize: 1, maxWaitMs: 0, timeoutMs: 40, clock: () => Date.now() });
    const { group, batches } = recordingGroup("a", 60);
    const running = batcher.submit(group, 1); // runs 60 ms > 40 ms deadline
    const queued = batcher.submit(group, 2); // still queued at its deadline
    await settle();
    t.mock.timers.tick(39);
    await settle();
    assert.deepEqual(batches, [[1]]);
    t.mock.timers.tick(1);
    await assert.rejects(running, DeadlineError);
    await assert.rejects(queued, (error: unknown) => error instanceof DeadlineError && /40 ms/.test(error.message));
    t.mock.timers.tick(60);
    await settle();
    assert.deepEqual(batches, [[1]], "the expired queued item never reached the model");
    t.mock.timers.reset();
    const fast = new Batcher({ ...settings, timeoutMs: 1000 });
    assert.equal(await fast.submit(recordingGroup("b").group, 3), 30);
  });

  test("an Error in place of a result fails only that item", async () => {
    const batcher = new Batcher(settings);
    const group: BatchGroup<number, number> = {
      key: "a",
      run: async (inputs) => inputs.map((n) => (n === 2 ? new Error("bad item 2") : n)),
    };
    const [one, two, three] = batcher.submitMany(group, [1, 2, 3]);
    assert.equal(await one, 1);
    await assert.rejects(two as Promise<number>, /bad item 2/);
    assert.equal(await three, 3);
  });

  test("a batch that throws fails its items with that error and the batcher keeps going", async () => {
    const batcher = new Batcher(settings);
    const failing: BatchGroup<number, number> = { key: "f", run: async () => Promise.reject(new Error("model crashed")) };
    await assert.rejects(batcher.submit(failing, 1), /model crashed/);
    assert.equal(await batcher.submit(recordingGroup("a").group, 2), 20);
  });

  test("an aborted signal drops queued items before they reach the model", async () => {
    const batcher = new Batcher({ ...settings, maxWaitMs: 30 });
    const { group, batches } = recordingGroup("a");
    const controller = new AbortController();
    const dropped = batcher.submit(group, 1, controller.signal);
    const kept = batcher.submit(group, 2);
    controller.abort();
    await assert.rejects(dropped, /client went away/);
    assert.equal(await kept, 20);
    assert.deepEqual(batches, [[2]]);
  });

  test("close() finishes queued and running work without waiting out the batch window, then refuses new items", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
    const batcher = new Batcher({ ...settings, maxBatchSize: 2, maxWaitMs: 1000, clock: () => Date.now() });
    const { group, batches, release } = gatedGroup("a");
    const pending = [1, 2, 3].map((n) => batcher.submit(group, n));
    await settle();
    assert.deepEqual(batches, [[1, 2]], "the full batch went out; 3 waits for company");
    let closed = false;
    const closing = batcher.close().then(() => (closed = true)); // the 1000 ms window is never ticked
    await settle();
    assert.equal(closed, false, "close() waits for the running batch");
    release();
    await settle();
    assert.deepEqual(batches, [[1, 2], [3]], "the queued item is sent at once, not after its window");
    release();
    await closing;
    assert.deepEqual(await Promise.all(pending), [10, 20, 30]);
    await assert.rejects(batcher.submit(group, 4), ClosedError);
  });

  test("concurrency 2 runs two batches at once, never three", async () => {
    const batcher = new Batcher({ ...settings, maxBatchSize: 1, maxWaitMs: 0, concurrency: 2 });
    const { group, batches, release, running } = gatedGroup("a");
    const all = [1, 2, 3, 4].map((n) => batcher.submit(group, n));
    await settle();
    assert.deepEqual([batches, running()], [[[1], [2]], 2]);
    release();
    await settle();
    assert.deepEqual([batches, running()], [[[1], [2], [3]], 2]);
    release();
    release();
    await settle();
    release();
    assert.deepEqual(await Promise.all(all), [10, 20, 30, 40]);
  });

  test("the observer sees batch sizes, queue depth and rejections", async () => {
    const sizes: number[] = [];
    const depths: number[] = [];
    const rejects: string[] = [];
    const batcher = new Batcher(
      { ...settings, maxQueue: 3 },
      { onBatch: (size) => sizes.push(size), onQueueDepth: (d) => depths.push(d), onReject: (r) => rejects.push(r) },
    );
    const { group } = recordingGroup("a");
    await Promise.all(batcher.submitMany(group, [1, 2, 3]));
    await Promise.allSettled(batcher.submitMany(group, [1, 2, 3, 4]));
    assert.deepEqual(sizes, [3]);
    assert.ok(depths.includes(3) && depths.at(-1) === 0, `depths ${depths.join(",")}`);
    assert.deepEqual(rejects, ["queue_full"]);
  });
});

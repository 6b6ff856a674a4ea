/**
 * The memory policy's session (src/runtime/recycle.ts) with a mocked clock, fake sessions and a memory probe the
 * test sets: when it re-creates, where runs go meanwhile, what it releases, and what it refuses.
 */
import assert from "node:assert/strict";
import { beforeEach, afterEach, mock, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { recyclePolicy, recyclingSession } from "../../src/runtime/recycle.js";
import type { FloatTensor, Session } from "../../src/runtime/runtime.js";

interface FakeSession extends Session {
  readonly id: number;
  runs: number;
  released: boolean;
  /** When set, runs wait for it. */
  hold?: Promise<void>;
}

let made: FakeSession[];
let memory: number;
let gate: Promise<void> | undefined;

function fakeSession(id: number): FakeSession {
  const session: FakeSession = {
    id,
    runs: 0,
    released: false,
    inputNames: ["input_ids"],
    outputNames: ["logits"],
    async run(): Promise<Record<string, FloatTensor>> {
      assert.equal(session.released, false, `run on released session ${id}`);
      session.runs++;
      await session.hold;
      return { logits: { data: new Float32Array([id]), dims: [1] } };
    },
    async release() {
      session.released = true;
    },
  };
  return session;
}

const create = async (): Promise<Session> => {
  if (made.length > 0) await gate;
  const session = fakeSession(made.length);
  made.push(session);
  return session;
};
const POLICY = { afterMb: 100, idleMs: 1000 };
const idOf = async (session: Session) => (await session.run({}, ["logits"]))["logits"]?.data[0];
/** Lets pending promise callbacks (a run's end, a creation) run. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A session grown past the threshold and idle: its re-creation has started and waits until `open()`. */
async function heldInRecreation(): Promise<{ session: Session; open: () => void }> {
  let open = () => {};
  gate = new Promise((resolve) => (open = resolve));
  const session = await recyclingSession(create, POLICY, () => memory);
  memory = 900;
  await idOf(session);
  mock.timers.tick(1000);
  await settle();
  return { session, open };
}

beforeEach(() => {
  mock.timers.enable({ apis: ["setTimeout"] });
  made = [];
  memory = 200;
  gate = undefined;
});
afterEach(() => mock.timers.reset());

test("no growth past the threshold: the session is never re-created, however long it idles", async () => {
  const session = await recyclingSession(create, POLICY, () => memory);
  memory = 299; // grew, but not by more than 100 MB
  assert.equal(await idOf(session), 0);
  mock.timers.tick(60_000);
  await settle();
  assert.equal(made.length, 1);
  assert.deepEqual(session.recycling?.(), { thresholdMb: 100, count: 0, failures: 0, lastMs: undefined, recreating: false });
});

test("after a run that grew the process past the threshold, the session is re-created once idle for idleMs", async () => {
  const session = await recyclingSession(create, POLICY, () => memory);
  memory = 900;
  assert.equal(await idOf(session), 0);
  mock.timers.tick(999);
  await settle();
  assert.equal(made.length, 1, "not before idleMs");
  mock.timers.tick(1);
  await settle();
  assert.equal(made.length, 2);
  assert.equal(made[0]?.released, true, "the old session is released");
  assert.equal(session.recycling?.().count, 1);
  memory = 210; // what releasing it gave back: the new baseline
  assert.equal(await idOf(session), 1, "runs go to the new session");
  mock.timers.tick(60_000);
  await settle();
  assert.equal(made.length, 2, "no further recycling without new growth");
});

test("a run arriving during the idle delay postpones the re-creation to idleMs after it", async () => {
  const session = await recyclingSession(create, POLICY, () => memory);
  memory = 900;
  await idOf(session);
  mock.timers.tick(800);
  await idOf(session);
  mock.timers.tick(800);
  await settle();
  assert.equal(made.length, 1, "the second run restarted the idle delay");
  mock.timers.tick(200);
  await settle();
  assert.equal(made.length, 2);
});

test("runs during the re-creation go to the old session and are answered; the old one is released after its last run", async () => {
  const { session, open } = await heldInRecreation();
  assert.equal(session.recycling?.().recreating, true);
  assert.equal(await idOf(session), 0, "answered by the old session while the new one is created");
  let release = () => {};
  const old = made[0] as FakeSession;
  old.hold = new Promise((resolve) => (release = resolve));
  const inFlight = idOf(session); // still running on the old session when the new one is ready
  open();
  await settle();
  assert.equal(made.length, 2);
  assert.equal(session.recycling?.().recreating, false);
  assert.equal(old.released, false, "not released under a running batch");
  assert.equal(await idOf(session), 1, "new runs go to the new session");
  release();
  assert.equal(await inFlight, 0);
  await settle();
  assert.equal(old.released, true);
});

test("a failed re-creation keeps the old session in service and is reported", async () => {
  const errors: unknown[] = [];
  let fail = false;
  const flaky = async () => {
    if (fail) throw new Error("disk gone");
    return create();
  };
  const session = await recyclingSession(flaky, POLICY, () => memory, (e) => errors.push(e));
  fail = true;
  memory = 900;
  await idOf(session);
  mock.timers.tick(1000);
  await settle();
  assert.equal(errors.length, 1);
  assert.deepEqual(session.recycling?.(), { thresholdMb: 100, count: 0, failures: 1, lastMs: undefined, recreating: false });
  assert.equal(await idOf(session), 0);
  assert.equal(made[0]?.released, false);
});

test("release() during a re-creation releases the old and the new session", async () => {
  const { session, open } = await heldInRecreation();
  const releasing = session.release();
  open();
  await releasing;
  assert.equal(made.length, 2);
  assert.ok(made.every((s) => s.released));
});

test("the policy: off unless recycleAfterMb > 0, idle 2 s by default, nonsense refused with the option's name", () => {
  assert.equal(recyclePolicy({}), undefined);
  assert.equal(recyclePolicy({ recycleAfterMb: 0 }), undefined);
  assert.deepEqual(recyclePolicy({ recycleAfterMb: 512 }), { afterMb: 512, idleMs: 2000 });
  assert.deepEqual(recyclePolicy({ recycleAfterMb: 64, recycleIdleMs: 0 }), { afterMb: 64, idleMs: 0 });
  assert.deepEqual(recyclePolicy({ recycleAfterMb: "auto" }), { afterMb: "auto", idleMs: 2000 });
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "512" as unknown as number, "Auto" as "auto"]) {
    assert.throws(() => recyclePolicy({ recycleAfterMb: bad }), (e: unknown) => e instanceof InvalidInputError && e.argument === "session.recycleAfterMb");
  }
  assert.throws(() => recyclePolicy({ recycleAfterMb: 1, recycleIdleMs: 1.5 }), (e: unknown) => e instanceof InvalidInputError && e.argument === "session.recycleIdleMs");
});

/** Sessions created (so far) after a run that left the process at `mb`, then `idleMs` of quiet. */
async function createdAfterRunAt(session: Session, mb: number, idleMs: number): Promise<number> {
  memory = mb;
  await idOf(session);
  mock.timers.tick(idleMs);
  await settle();
  return made.length;
}

test('"auto": the threshold is the size after loading, at least 512 MB — a large model is not re-created after ordinary batches', async () => {
  const small = await recyclingSession(create, { afterMb: "auto", idleMs: 1000 }, () => memory); // loaded at 200 MB
  assert.equal(small.recycling?.().thresholdMb, 512);
  assert.equal(await createdAfterRunAt(small, 200 + 512, 1000), 1, "712 MB, not more than 512 above: no re-creation");
  assert.equal(await createdAfterRunAt(small, 713, 1000), 2, "713 MB: re-created");
  await small.release();

  made = [];
  memory = 2200; // a large model, loaded
  const large = await recyclingSession(create, { afterMb: "auto", idleMs: 1000 }, () => memory);
  assert.equal(large.recycling?.().thresholdMb, 2200);
  assert.equal(await createdAfterRunAt(large, 3400, 60_000), 1, "an ordinary batch's arena on top (+1,200 MB on a 2,200 MB model): kept");
  assert.equal(await createdAfterRunAt(large, 4401, 1000), 2, "doubled: re-created");
  await large.release();
});

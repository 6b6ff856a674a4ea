/**
 * ⑤ Decoding in slices. A low threshold can make a pass hold a million candidates, and decoding them takes
 * seconds; the decoders are written as generators that pause (`yield`) every few thousand steps, so the
 * pipeline can run them in time slices and give the event loop back in between (the server's /healthz,
 * timers and other requests keep answering), while synchronous callers simply run them to the end.
 */

/** A decoding step sequence: yields to mark a point where it may pause, returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Steps between pause points in the decoders' loops (a few milliseconds of work). */
export const STEP = 4096;

/** Runs the steps to the end on the calling thread. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/**
 * Runs the steps, giving the event loop back whenever a slice has taken `sliceMs`; an abort (a request's
 * deadline) stops them at the next pause.
 */
export async function inSlices<T>(steps: Steps<T>, signal?: AbortSignal, sliceMs = 10): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
}

export function yieldToEventLoop(): Promise<void> {
  const later = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate ?? ((callback: () => void) => setTimeout(callback, 0));
  return new Promise((resolve) => later(resolve));
}

/**
 * A stable sort with pause points (what `Array.prototype.sort` does, in slices): runs of STEP elements sorted
 * natively, then merged bottom-up, the left run winning ties. Sorts `items` in place and returns it.
 */
export function* sortSteps<T>(items: T[], compare: (a: T, b: T) => number): Steps<T[]> {
  const n = items.length;
  if (n <= STEP) return items.sort(compare);
  for (let from = 0; from < n; from += STEP) {
    const run = items.slice(from, from + STEP).sort(compare);
    for (let i = 0; i < run.length; i++) items[from + i] = run[i] as T;
    yield;
  }
  let source = items;
  let target = new Array<T>(n);
  for (let width = STEP; width < n; width *= 2) {
    let done = 0;
    for (let left = 0; left < n; left += 2 * width) {
      const mid = Math.min(left + width, n);
      const right = Math.min(left + 2 * width, n);
      let i = left;
      let j = mid;
      for (let k = left; k < right; k++) {
        // `<= 0`: on a tie the left (earlier) element goes first, which keeps the sort stable.
        if (i < mid && (j >= right || compare(source[i] as T, source[j] as T) <= 0)) target[k] = source[i++] as T;
        else target[k] = source[j++] as T;
        if (++done % STEP === 0) yield;
      }
    }
    [source, target] = [target, source];
  }
  if (source !== items) for (let k = 0; k < n; k++) items[k] = source[k] as T;
  return items;
}

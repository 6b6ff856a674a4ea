/**
 * The indexed decoders against the reference's brute-force definitions (kept here as oracles), on seeded random
 * logits and candidates, plus the per-pass candidate bound.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Candidate, type DecodeItem, sigmoid32 } from "../../src/decode/candidates.js";
import { greedySearch } from "../../src/decode/greedy.js";
import { tokenCandidates, type TokenScore } from "../../src/decode/token-logits.js";
import { InvalidInputError } from "../../src/errors.js";

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The reference's greedy_search: compare with every accepted span. */
function bruteGreedy<T extends Candidate>(candidates: readonly T[], o: { flatNer: boolean; multiLabel: boolean }): T[] {
  const conflicts = (a: Candidate, b: Candidate) => {
    if (a.start === b.start && a.end === b.end) return !o.multiLabel;
    const disjoint = a.start > b.end || b.start > a.end;
    if (o.flatNer) return !disjoint;
    return !(disjoint || (a.start <= b.start && a.end >= b.end) || (b.start <= a.start && b.end >= a.end));
  };
  const accepted: T[] = [];
  for (const span of [...candidates].sort((a, b) => b.score - a.score)) {
    if (!accepted.some((other) => conflicts(span, other))) accepted.push(span);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

/** The reference's TokenDecoder: every start × end, inside rescanned for each pair. */
function bruteToken(p: (w: number, c: number, ch: number) => number, n: number, labels: number, t: number, rule: TokenScore): Candidate[] {
  const out: Candidate[] = [];
  const starts: [number, number][] = [];
  const ends: [number, number][] = [];
  for (let w = 0; w < n; w++) {
    for (let c = 0; c < labels; c++) {
      if (p(w, c, 0) > t) starts.push([w, c]);
      if (p(w, c, 1) > t) ends.push([w, c]);
    }
  }
  for (const [st, c] of starts) {
    for (const [ed, ce] of ends) {
      if (ce !== c || ed < st) continue;
      let min = Math.min(p(st, c, 0), p(ed, c, 1));
      let sum = 0;
      let ok = true;
      for (let w = st; w <= ed; w++) {
        const v = p(w, c, 2);
        if (v < t) { ok = false; break; }
        if (v < min) min = v;
        sum += v;
      }
      if (ok) out.push({ start: st, end: ed, label: c, score: rule === "min" ? min : Math.fround(sum / (ed - st + 1)) });
    }
  }
  return out;
}

const key = (s: Candidate) => `${s.start}-${s.end}:${s.label}@${s.score}`;

test("greedy selection equals the reference's quadratic search (flat, nested, multi-label; ties included)", () => {
  const next = random(7);
  for (let round = 0; round < 300; round++) {
    const words = 1 + Math.floor(next() * 40);
    const candidates = Array.from({ length: Math.floor(next() * 120) }, () => {
      const start = Math.floor(next() * words);
      const end = Math.min(words - 1, start + Math.floor(next() * 6));
      // Coarse scores so that exact ties are common.
      return { start, end, label: Math.floor(next() * 3), score: Math.round(next() * 10) / 10 };
    });
    for (const flatNer of [true, false]) {
      for (const multiLabel of [true, false]) {
        const options = { flatNer, multiLabel };
        assert.deepEqual(greedySearch(candidates, options).map(key), bruteGreedy(candidates, options).map(key), JSON.stringify({ round, ...options }));
      }
    }
  }
});

test("token decoding equals the reference's start × end search (min and mean, both layouts' order)", () => {
  const next = random(11);
  for (let round = 0; round < 150; round++) {
    const n = 1 + Math.floor(next() * 30);
    const labels = 1 + Math.floor(next() * 3);
    const threshold = [0.5, 0.3, 1e-9][round % 3] as number;
    const data = new Float32Array(n * labels * 3).map(() => (next() * 8 - 4) as number);
    // Exactly-at-threshold inside values: equality passes.
    if (round % 5 === 0) data[2] = Math.log(threshold / (1 - threshold));
    const item: DecodeItem = { batchIndex: 0, numWords: n, numLabels: labels, thresholds: new Float32Array(labels).fill(threshold) };
    const t = item.thresholds[0] as number;
    const p = (w: number, c: number, ch: number) => sigmoid32(data[(w * labels + c) * 3 + ch] as number);
    for (const rule of ["min", "mean"] as const) {
      const got = tokenCandidates({ data, dims: [1, n, labels, 3] }, "BWC3", item, rule);
      assert.deepEqual(got.map(key), bruteToken(p, n, labels, t, rule).map(key), JSON.stringify({ round, rule }));
    }
  }
});

test("a pass over the candidate bound is refused with an InvalidInputError naming threshold", () => {
  const n = 50;
  const data = new Float32Array(n * 3).fill(5); // every start, end and inside passes: 1275 candidates
  const item: DecodeItem = { batchIndex: 0, numWords: n, numLabels: 1, thresholds: new Float32Array([0.5]) };
  assert.equal(tokenCandidates({ data, dims: [1, n, 1, 3] }, "BWC3", item, "min", 1275).length, 1275);
  assert.throws(
    () => tokenCandidates({ data, dims: [1, n, 1, 3] }, "BWC3", item, "min", 1274),
    (e: unknown) => e instanceof InvalidInputError && e.argument === "threshold" && /1274 candidate spans/.test(e.message),
  );
});

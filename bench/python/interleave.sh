#!/usr/bin/env bash
# gliner-ts vs Python gliner + onnxruntime, interleaved round by round so that both see the same machine load:
# each round runs Python (bench/python/gliner_baseline.py, one round) and then `npm run bench` (one round) on
# the same corpus and ONNX file, and the ratios are taken per round, then their median is printed.
#
#   bash bench/python/interleave.sh <python> <shared dir> <out dir> [rounds=3] [python threads: "" or 2]
#
# <python> is an interpreter with `gliner` and `onnxruntime` importable (not installable in this repository's
# CI; see docs/performance.md for how it was set up). Writes <out dir>/corpus.json, python-<r>.json,
# ours-<r>.json and prints one line per round and the medians.
set -euo pipefail
python=$1 shared=$2 out=$3 rounds=${4:-3} threads=${5:-}
mkdir -p "$out"
cd "$(dirname "$0")/../.."
npx tsx bench/throughput.ts --shared "$shared" --write-corpus "$out/corpus.json" --engines ours:8 --rounds 1 --int8 none --latency-texts 1 >/dev/null
for round in $(seq 1 "$rounds"); do
  "$python" bench/python/gliner_baseline.py --model "$shared/fixtures/bench-xsmall" --corpus "$out/corpus.json" \
    --rounds 1 ${threads:+--threads "$threads"} --out "$out/python-$round.json" >/dev/null
  npx tsx bench/throughput.ts --shared "$shared" --engines ours:8,ours:1 --rounds 1 --int8 none \
    --python "$out/python-$round.json" --out "$out/ours-$round.json" >/dev/null
done
node --input-type=module - "$out" "$rounds" <<'EOF'
import { readFileSync } from "node:fs";
const [out, rounds] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ratios = { 8: [], 1: [], p50: [] };
for (let r = 1; r <= Number(rounds); r++) {
  const py = JSON.parse(readFileSync(`${out}/python-${r}.json`, "utf8"));
  const ours = JSON.parse(readFileSync(`${out}/ours-${r}.json`, "utf8")).results;
  const line = [];
  for (const b of ["8", "1"]) {
    const ratio = ours[`ours:${b}`].textsPerSec / py.textsPerSec[b];
    ratios[b].push(ratio);
    line.push(`batch ${b}: ours ${ours[`ours:${b}`].textsPerSec.toFixed(2)} vs Python ${py.textsPerSec[b].toFixed(2)} texts/s = ${ratio.toFixed(2)}x`);
  }
  const p50 = py.p50Ms / ours["ours:1"].p50Ms;
  ratios.p50.push(p50);
  line.push(`p50 one text: ours ${ours["ours:1"].p50Ms.toFixed(1)} vs Python ${py.p50Ms.toFixed(1)} ms = ${p50.toFixed(2)}x faster`);
  console.log(`round ${r}: ${line.join("; ")}`);
}
console.log(`median ratios (ours / Python): batch 8 ${median(ratios[8]).toFixed(2)}x, batch 1 ${median(ratios[1]).toFixed(2)}x, p50 latency ${median(ratios.p50).toFixed(2)}x faster`);
EOF

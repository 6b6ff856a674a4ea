"""Python gliner + onnxruntime on the corpus of `npm run bench`, for its `--python <file>` comparison.

    npm run bench -- --write-corpus corpus.json --int8 none --rounds 1      # writes the corpus (and runs once)
    python bench/python/gliner_baseline.py --model ../shared/fixtures/bench-xsmall --corpus corpus.json \
        [--onnx-file onnx/model.onnx] [--threads 2] [--rounds 3] --out python.json
    npm run bench -- --python python.json

Measures, on the same ONNX file and texts: texts/s of `model.inference(texts, labels, batch_size=B)` for
B = 8 and 1 (median of --rounds), p50 ms of one text alone, and the raw `InferenceSession.run` floor is left to
the caller. Needs `pip install gliner onnxruntime`; it never downloads a model (local folder only).
"""
import argparse
import json
import platform
import statistics
import time

import onnxruntime as ort
from gliner import GLiNER, __version__ as gliner_version


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--onnx-file", default="onnx/model.onnx")
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads (default: onnxruntime's)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-texts", type=int, default=16)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    corpus = json.load(open(args.corpus, encoding="utf8"))
    texts, labels, threshold = corpus["texts"], corpus["labels"], corpus["threshold"]
    options = ort.SessionOptions()
    if args.threads is not None:
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
    model = GLiNER.from_pretrained(
        args.model, load_onnx_model=True, load_tokenizer=True, onnx_model_file=args.onnx_file,
        session_options=options, local_files_only=True,
    )
    model.inference(texts[:4], labels, batch_size=4, threshold=threshold)  # warm-up

    texts_per_sec = {}
    for batch_size in (8, 1):
        seconds = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            model.inference(texts, labels, batch_size=batch_size, threshold=threshold)
            seconds.append(time.perf_counter() - start)
        texts_per_sec[str(batch_size)] = len(texts) / statistics.median(seconds)
    latencies = []
    for text in texts[: args.latency_texts]:
        start = time.perf_counter()
        model.inference([text], labels, batch_size=1, threshold=threshold)
        latencies.append((time.perf_counter() - start) * 1000)

    result = {
        "corpusSha": corpus["sha"],
        "textsPerSec": texts_per_sec,
        "p50Ms": statistics.median(latencies),
        "threads": args.threads or "onnxruntime default",
        "versions": {"gliner": gliner_version, "onnxruntime": ort.__version__, "python": platform.python_version()},
        "command": "python bench/python/gliner_baseline.py " + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if v is not None),
    }
    json.dump(result, open(args.out, "w", encoding="utf8"), indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

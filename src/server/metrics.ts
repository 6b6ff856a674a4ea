/**
 * Prometheus metrics, in a registry of the app's own (not prom-client's global one) so several apps in one
 * process — tests, embedders — never collide.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SessionRecycling } from "../runtime/runtime.js";
import type { BatcherObserver } from "./batcher.js";

export interface ServerMetrics {
  readonly registry: Registry;
  /** Records one finished HTTP request. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Feeds the batcher's reports into the metrics. */
  readonly batcher: BatcherObserver;
}

/** `recycling`: the served model's session recycling (memory policy), read at each scrape. */
export function createMetrics(options: { processMetrics?: boolean; recycling?: () => SessionRecycling | undefined } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "gliner_" });

  const requests = new Counter({
    name: "gliner_http_requests_total",
    help: "HTTP requests by route, method and status code.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "gliner_http_request_duration_seconds",
    help: "Time from request received to response sent, by route.",
    labelNames: ["route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: "gliner_batch_size",
    help: "Items (texts) per model call.",
    labelNames: ["task"] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  const batchDuration = new Histogram({
    name: "gliner_batch_duration_seconds",
    help: "Time of one batched model call, decoding included.",
    labelNames: ["task"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: "gliner_queue_depth",
    help: "Items waiting for a model call.",
    registers: [registry],
  });
  const rejected = new Counter({
    name: "gliner_rejected_total",
    help: "Items refused or abandoned: queue_full (429), timeout, closed (shutting down).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });

  let recycledSoFar = 0;
  new Counter({
    name: "gliner_session_recycles_total",
    help: "ONNX sessions re-created to give their memory back (--recycle-after-mb).",
    registers: [registry],
    collect() {
      const count = options.recycling?.()?.count ?? recycledSoFar;
      if (count > recycledSoFar) this.inc(count - recycledSoFar);
      recycledSoFar = count;
    },
  });

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route }, seconds);
    },
    batcher: {
      onBatch(size, seconds, key) {
        const task = key.split(":", 1)[0] ?? key;
        batchSize.observe({ task }, size);
        batchDuration.observe({ task }, seconds);
      },
      onQueueDepth: (depth) => queueDepth.set(depth),
      onReject: (reason) => rejected.inc({ reason }),
    },
  };
}

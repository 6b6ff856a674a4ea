/** Worker thread of {@link createWorkerSession}: one ONNX Runtime session, runs batches posted by the pool. */
import { parentPort, workerData } from "node:worker_threads";
import { createOrtSession } from "./node.js";
import type { WorkerReply } from "./node-workers.js";
import type { Session, TensorData } from "./runtime.js";
import type { ResolvedSessionOptions } from "./session-defaults.js";

const port = parentPort;
if (port === null) throw new Error("node-worker-entry.ts runs only as a worker thread");
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const { model, options } = workerData as { model: string | Uint8Array; options: ResolvedSessionOptions };

let session: Session;
try {
  session = await createOrtSession(model, options);
  post({ type: "ready", inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
} catch (reason) {
  post({ type: "failed", message: `ONNX Runtime could not create a session in a worker thread: ${reason instanceof Error ? reason.message : String(reason)}` });
  process.exit(1);
}

port.on("message", async ({ id, feeds, outputs }: { id: number; feeds: Record<string, TensorData>; outputs: string[] }) => {
  try {
    const result = await session.run(feeds, outputs);
    // The logits go back without a copy: this thread never reads them again.
    post({ type: "result", id, outputs: result }, Object.values(result).map((t) => t.data.buffer as ArrayBuffer));
  } catch (cause) {
    post({ type: "error", id, message: cause instanceof Error ? cause.message : String(cause) });
  }
});

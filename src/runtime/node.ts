/**
 * The Node.js runtime: onnxruntime-node, local folders through node:fs, hub repos through the
 * huggingface_hub-compatible cache (node-hub.ts). The only core file that imports onnxruntime-node.
 */
import { readFileSync } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { InvalidInputError, ModelLoadError } from "../errors.js";
import { downloadHubFile } from "./node-hub.js";
import { createWorkerSession } from "./node-workers.js";
import { ortError, wrapOrtSession } from "./ort-session.js";
import type { ByteSource, ModelFiles, OpenOptions, Runtime, Session, SessionOptions } from "./runtime.js";
import { logSeverity, type MachineProfile, type ResolvedSessionOptions, resolveSessionOptions } from "./session-defaults.js";

export function nodeRuntime(): Runtime {
  return { name: "node", openModel, createSession, openModelBytes, memoryMb: () => process.memoryUsage.rss() / 2 ** 20 };
}

/** Positional reads on a file handle: the load-time checks never read a (multi-GB) model whole. */
async function openModelBytes(path: string): Promise<ByteSource> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  return {
    size,
    async read(position, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

async function openModel(source: string, options: OpenOptions): Promise<ModelFiles> {
  const folder = resolve(source);
  const info = await stat(folder).catch(() => undefined);
  if (info?.isDirectory()) return localFolder(folder);
  if (info !== undefined) {
    throw new InvalidInputError("source", `${source} is a file; give the model folder that holds gliner_config.json.`);
  }
  if (/^[\w.-]+\/[\w.-]+$/.test(source) && !source.startsWith(".")) return hubRepo(source, options);
  throw new InvalidInputError(
    "source",
    `"${source}" is neither a local folder nor a Hugging Face repo id like "onnx-community/gliner-multitask-large-v0.5".`,
  );
}

function localFolder(folder: string): ModelFiles {
  const existing = async (name: string) => {
    const path = join(folder, name);
    return (await stat(path).catch(() => undefined))?.isFile() ? path : undefined;
  };
  return {
    description: folder,
    async readText(name) {
      const path = await existing(name);
      return path === undefined ? undefined : readFile(path, "utf8");
    },
    locateModel: existing,
  };
}

function hubRepo(repo: string, options: OpenOptions): ModelFiles {
  const download = (name: string) => downloadHubFile(repo, name, { ...options, optional: true });
  return {
    description: `hub:${repo}@${options.revision ?? "main"}`,
    async readText(name) {
      const path = await download(name);
      return path === undefined ? undefined : readFile(path, "utf8");
    },
    locateModel: download,
  };
}

async function createSession(model: string | Uint8Array, given: SessionOptions): Promise<Session> {
  const options = resolveSessionOptions(given, nodeMachine());
  if (options.workers > 1 || given.offMainThread === true) return createWorkerSession(model, options);
  return createOrtSession(model, options);
}

/** One ONNX Runtime session on this thread (the worker threads of node-workers.ts call it too). */
export async function createOrtSession(model: string | Uint8Array, options: ResolvedSessionOptions): Promise<Session> {
  // ORT reads its environment's log level once, when the process's first session is created.
  ort.env.logLevel = options.logLevel;
  let session: ort.InferenceSession;
  try {
    session =
      typeof model === "string"
        ? await ort.InferenceSession.create(model, ortOptions(options))
        : await ort.InferenceSession.create(model, ortOptions(options));
  } catch (cause) {
    throw explainProviderError(ortError(cause), options);
  }
  return wrapOrtSession(session, (t) => new ort.Tensor(t.type, t.data, t.dims));
}

/** The npm tarball of onnxruntime-node has no CUDA provider: say how to get it instead of ORT's dlopen error. */
export function explainProviderError(cause: unknown, options: SessionOptions): unknown {
  if (!(options.executionProviders ?? []).includes("cuda") || !/Cuda|providers_(shared|cuda)/i.test(String(cause))) return cause;
  return new ModelLoadError(
    'The CUDA execution provider is not installed: onnxruntime-node\'s npm package ships without it. Install it with ' +
      '`node node_modules/onnxruntime-node/script/install --onnxruntime-node-install=cuda12` (needs CUDA 12 and cuDNN 9), or use ' +
      `executionProviders: ["cpu"]. ONNX Runtime said: ${String(cause)}`,
    { cause },
  );
}

/**
 * The machine the defaults are chosen for: physical cores within this process's CPU affinity
 * (`availableParallelism()` counts hyper-threads; /proc/cpuinfo says how many share a core).
 */
export function nodeMachine(): MachineProfile {
  machine ??= { physicalCores: Math.max(1, Math.round(availableParallelism() / threadsPerCore())) };
  return machine;
}
let machine: MachineProfile | undefined;

function threadsPerCore(): number {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const siblings = Number(/^siblings\s*:\s*(\d+)/m.exec(info)?.[1]);
    const cores = Number(/^cpu cores\s*:\s*(\d+)/m.exec(info)?.[1]);
    return siblings > 0 && cores > 0 && siblings >= cores ? siblings / cores : 1;
  } catch {
    return 1; // not Linux: assume no SMT rather than guess
  }
}

/**
 * Session options with the defaults decided (session-defaults.ts) → onnxruntime-node's. Shared with the
 * worker threads of node-workers.ts.
 */
export function ortOptions(options: ResolvedSessionOptions): ort.InferenceSession.SessionOptions {
  const spin = options.allowSpinning ? "1" : "0";
  const out: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.graphOptimizationLevel,
    executionProviders: options.executionProviders,
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: options.interOpNumThreads,
    executionMode: options.executionMode,
    logSeverityLevel: logSeverity(options.logLevel),
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
  if (options.enableCpuMemArena !== undefined) out.enableCpuMemArena = options.enableCpuMemArena;
  if (options.enableMemPattern !== undefined) out.enableMemPattern = options.enableMemPattern;
  return out;
}

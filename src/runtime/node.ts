/**
 * The Node.js runtime: onnxruntime-node, local folders through node:fs, hub repos through the
 * huggingface_hub-compatible cache (node-hub.ts). The only core file that imports onnxruntime-node.
 */
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { InvalidInputError, ModelLoadError } from "../errors.js";
import { downloadHubFile } from "./node-hub.js";
import { createWorkerSession } from "./node-workers.js";
import { wrapOrtSession } from "./ort-session.js";
import type { ModelFiles, OpenOptions, Runtime, Session, SessionOptions } from "./runtime.js";

export function nodeRuntime(): Runtime {
  return { name: "node", openModel, createSession };
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

async function createSession(model: string | Uint8Array, options: SessionOptions): Promise<Session> {
  if ((options.workers ?? 1) > 1) return createWorkerSession(model, options);
  let session: ort.InferenceSession;
  try {
    session =
      typeof model === "string"
        ? await ort.InferenceSession.create(model, ortOptions(options))
        : await ort.InferenceSession.create(model, ortOptions(options));
  } catch (cause) {
    throw explainProviderError(cause, options);
  }
  return wrapOrtSession(session, (t) => new ort.Tensor(t.type, t.data, t.dims));
}

/** The npm tarball of onnxruntime-node has no CUDA provider: say how to get it instead of ORT's dlopen error. */
export function explainProviderError(cause: unknown, options: SessionOptions): unknown {
  if (!(options.executionProviders ?? []).includes("cuda") || !/Cuda|providers_(shared|cuda)/i.test(String(cause))) return cause;
  return new ModelLoadError(
    'The CUDA execution provider is not installed: onnxruntime-node\'s npm package ships without it. Install it with ' +
      '`npm install onnxruntime-node --onnxruntime-node-install=cuda12` (needs CUDA 12 and cuDNN 9), or use ' +
      `executionProviders: ["cpu"]. ONNX Runtime said: ${String(cause)}`,
    { cause },
  );
}

/** Our session options → onnxruntime-node's (shared with the worker threads of node-workers.ts). */
export function ortOptions(options: SessionOptions): ort.InferenceSession.SessionOptions {
  const out: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    executionProviders: options.executionProviders ?? ["cpu"],
  };
  if (options.intraOpNumThreads !== undefined) out.intraOpNumThreads = options.intraOpNumThreads;
  if (options.interOpNumThreads !== undefined) out.interOpNumThreads = options.interOpNumThreads;
  if (options.executionMode !== undefined) out.executionMode = options.executionMode;
  if (options.enableCpuMemArena !== undefined) out.enableCpuMemArena = options.enableCpuMemArena;
  if (options.enableMemPattern !== undefined) out.enableMemPattern = options.enableMemPattern;
  if (options.allowSpinning !== undefined) {
    const spin = options.allowSpinning ? "1" : "0";
    out.extra = { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } };
  }
  return out;
}

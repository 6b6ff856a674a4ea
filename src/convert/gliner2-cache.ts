/**
 * Convert on first use: GLiNER2 publishes PyTorch weights only (fastino/gliner2-base-v1: config.json,
 * encoder_config/, model.safetensors, tokenizer files). `ensureGliner2Onnx` returns a local folder that holds
 * the config, tokenizer files and `onnx/<file for dtype>`: the source itself when it already has that ONNX,
 * otherwise a folder under `<hub cache>/.gliner-ts-converted/` that it converts once and reuses afterwards.
 *
 *   hub repo     → .gliner-ts-converted/models--org--name/<commit>/   (the snapshot's commit: a new upload
 *                  of the repo converts again, the old one is kept like the hub cache keeps old snapshots)
 *   local folder → .gliner-ts-converted/local--<hash of its path>/    (re-converted when the weights file's
 *                  size or mtime changes)
 *
 * Converting writes into a fresh temporary folder that is renamed into place, so concurrent first uses never
 * see half a model; the loser of a rename race uses the winner's folder.
 */
import { createHash, randomUUID } from "node:crypto";
import { readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InvalidInputError, ModelLoadError } from "../errors.js";
import { parseRepoId, repoFolderName, type HubOptions } from "../model/hub.js";
import { defaultHubCacheDir, downloadHubFile } from "../runtime/node-hub.js";
import { exists, ONNX_FILE, type ConvertDType } from "./convert.js";
import { convertGliner2Checkpoint, GLINER2_COPIED_FILES } from "./gliner2.js";

export interface EnsureGliner2Options extends HubOptions {
  /** The ONNX variant needed: "fp32" (default, onnx/model.onnx), "fp16" or "q8". */
  dtype?: string;
  /** Where converted models are kept; default `<cacheDir or hub cache>/.gliner-ts-converted`. */
  convertedDir?: string;
  /** Called once before a conversion starts (it takes seconds to a minute for base/large models). */
  onConvert?: (info: { source: string; dtype: ConvertDType; out: string }) => void;
}

const WEIGHT_FILES = ["model.safetensors", "pytorch_model.bin"] as const;
const STAMP = "gliner-ts-source.json";

/**
 * The source to load a GLiNER2 model from with `dtype`: `source` itself when it has onnx/<file for dtype>
 * (folder or hub repo), otherwise a local folder with config.json, encoder_config/, the tokenizer files and
 * the converted onnx/<file>, converted now when not done before.
 */
export async function ensureGliner2Onnx(source: string, options: EnsureGliner2Options = {}): Promise<string> {
  return ensureConverted(source, options, { name: "GLiNER2", sourceOnnxUsable: true, download: downloadGliner2Checkpoint, convert: convertGliner2Checkpoint });
}

/** How one kind of checkpoint is fetched and converted (GLiNER2 here; relex models in relex-cache.ts). */
export interface CheckpointKind {
  readonly name: string;
  /** Whether an ONNX file already in the source can be loaded as is (false: always convert into the cache). */
  readonly sourceOnnxUsable: boolean;
  download(repo: string, options: HubOptions): Promise<string>;
  convert(source: string, out: string, options: { dtype: ConvertDType }): Promise<unknown>;
}

/** {@link ensureGliner2Onnx} for any checkpoint kind: the source to load, converted into the cache when needed. */
export async function ensureConverted(source: string, options: EnsureGliner2Options, kind: CheckpointKind): Promise<string> {
  const dtype = (options.dtype ?? "fp32") as ConvertDType;
  if (!(dtype in ONNX_FILE)) {
    throw new InvalidInputError("dtype", `A ${kind.name} checkpoint can be converted to dtype "fp32", "fp16" or "q8", not ${JSON.stringify(options.dtype)}.`);
  }
  const onnx = join("onnx", ONNX_FILE[dtype]);
  const root = resolve(options.convertedDir ?? join(options.cacheDir ?? defaultHubCacheDir(), ".gliner-ts-converted"));
  const local = await stat(resolve(source)).catch(() => undefined);
  if (local?.isDirectory()) {
    const folder = resolve(source);
    if (kind.sourceOnnxUsable && (await exists(join(folder, onnx)))) return folder;
    const weights = await weightsFile(folder);
    if (weights === undefined) {
      throw new ModelLoadError(`${folder} has neither ${onnx} nor model.safetensors / pytorch_model.bin: nothing to load or convert.`);
    }
    const info = await stat(weights);
    const stamp = JSON.stringify({ source: folder, weights: basename(weights), size: info.size, mtimeMs: info.mtimeMs });
    const out = join(root, `local--${createHash("sha256").update(await realpath(folder)).digest("hex").slice(0, 16)}`);
    if ((await exists(join(out, onnx))) && (await readFile(join(out, STAMP), "utf8").catch(() => "")) === stamp) return out;
    return convertInto(folder, out, dtype, stamp, options, kind);
  }
  parseRepoId(source); // a clear error for anything that is neither a folder nor a repo id
  const hub = { ...options, optional: true };
  if (kind.sourceOnnxUsable && (await downloadHubFile(source, onnx, hub)) !== undefined) return source; // published ONNX: load the repo as is
  const snapshot = await kind.download(source, options);
  const out = join(root, repoFolderName(parseRepoId(source)), basename(snapshot));
  if (await exists(join(out, onnx))) return out;
  return convertInto(snapshot, out, dtype, JSON.stringify({ source }), options, kind);
}

/** Fetches a GLiNER2 repo's config, encoder config, tokenizer files and weights into the hub cache; returns the snapshot folder. */
export async function downloadGliner2Checkpoint(repo: string, options: HubOptions & { weights?: "safetensors" | "pytorch" }): Promise<string> {
  const config = await downloadHubFile(repo, "config.json", options);
  if (config === undefined) throw new ModelLoadError(`${repo} has no config.json; it is not a GLiNER2 checkpoint.`);
  const optional = { ...options, optional: true };
  for (const file of GLINER2_COPIED_FILES) if (file !== "config.json") await downloadHubFile(repo, file, optional);
  const order = options.weights === "pytorch" ? ["pytorch_model.bin"] : options.weights === "safetensors" ? ["model.safetensors"] : WEIGHT_FILES;
  for (const file of order) if ((await downloadHubFile(repo, file, optional)) !== undefined) return dirname(config);
  throw new ModelLoadError(`${repo} has no ONNX model and no ${order.join(" or ")} to convert (sharded checkpoints are not supported).`);
}

async function weightsFile(folder: string): Promise<string | undefined> {
  for (const name of WEIGHT_FILES) if (await exists(join(folder, name))) return join(folder, name);
  return undefined;
}

/**
 * Converts into a temporary sibling of `out`, then moves it into place. When `out` already holds a conversion
 * of the same source (another dtype), only the new ONNX file moves in.
 */
async function convertInto(source: string, out: string, dtype: ConvertDType, stamp: string, options: EnsureGliner2Options, kind: CheckpointKind): Promise<string> {
  options.onConvert?.({ source, dtype, out });
  const tmp = `${out}.tmp-${randomUUID()}`;
  const file = join("onnx", ONNX_FILE[dtype]);
  try {
    await kind.convert(source, tmp, { dtype });
    await writeFile(join(tmp, STAMP), stamp);
    const current = await readFile(join(out, STAMP), "utf8").catch(() => undefined);
    if (current === stamp) {
      // external data (models over ~1.9 GB, e.g. large-v1 in fp32) travels with its graph
      if (await exists(join(tmp, `${file}_data`))) await rename(join(tmp, `${file}_data`), join(out, `${file}_data`));
      await rename(join(tmp, file), join(out, file));
    } else {
      await rm(out, { recursive: true, force: true });
      await rename(tmp, out).catch(async (error: unknown) => {
        if (!(await exists(join(out, file)))) throw error; // a concurrent first use won the race: use its folder
      });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return out;
}

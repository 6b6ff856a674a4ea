/** `gliner-ts convert <hub id | folder> --out <folder>`: a PyTorch/safetensors GLiNER or GLiNER2 checkpoint → ONNX. */
import type { Command } from "commander";
import { convertModel } from "../../convert/index.js";
import type { ConvertDType } from "../../convert/index.js";
import { InvalidInputError } from "../../errors.js";

interface ConvertFlags {
  out: string;
  dtype: string;
  weights?: string;
  revision?: string;
  cacheDir?: string;
  offline?: boolean;
}

export function registerConvertCommand(program: Command): void {
  program
    .command("convert")
    .description("convert a GLiNER or GLiNER2 checkpoint (model.safetensors or pytorch_model.bin) to ONNX, without Python")
    .argument("<source>", "hub repo id or local checkpoint folder")
    .requiredOption("-o, --out <folder>", "output model folder (config, tokenizer, onnx/model*.onnx)")
    .option("--dtype <dtype>", "fp32, fp16 or q8 (dynamic uint8 MatMul weights)", "fp32")
    .option("--weights <kind>", "safetensors or pytorch (default: safetensors when present)")
    .option("--revision <rev>", "hub revision")
    .option("--cache-dir <dir>", "hub cache folder")
    .option("--offline", "use the hub cache only")
    .action(async (source: string, flags: ConvertFlags) => {
      if (!["fp32", "fp16", "q8"].includes(flags.dtype)) {
        throw new InvalidInputError("dtype", `--dtype must be fp32, fp16 or q8; got "${flags.dtype}".`);
      }
      if (flags.weights !== undefined && flags.weights !== "safetensors" && flags.weights !== "pytorch") {
        throw new InvalidInputError("weights", `--weights must be safetensors or pytorch; got "${flags.weights}".`);
      }
      const started = Date.now();
      const result = await convertModel(source, flags.out, {
        dtype: flags.dtype as ConvertDType,
        ...(flags.weights === undefined ? {} : { weights: flags.weights as "safetensors" | "pytorch" }),
        ...(flags.revision === undefined ? {} : { revision: flags.revision }),
        ...(flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir }),
        ...(flags.offline ? { localFilesOnly: true } : {}),
      });
      process.stdout.write(
        `${JSON.stringify({ model: result.modelPath, weights: result.weightsFile, dtype: result.dtype, files: result.files, seconds: (Date.now() - started) / 1000 })}\n`,
      );
    });
}

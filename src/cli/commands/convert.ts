/** `gliner-ts convert <hub id | folder> --out <folder>`: a PyTorch/safetensors GLiNER or GLiNER2 checkpoint → ONNX. */
import type { Command } from "commander";
import { convertModel, ONNX_FILE } from "../../convert/index.js";
import type { ConvertDType } from "../../convert/index.js";
import { checkAgainstFp32 } from "../../convert/quality.js";
import { InvalidInputError } from "../../errors.js";

interface ConvertFlags {
  out: string;
  dtype: string;
  weights?: string;
  revision?: string;
  cacheDir?: string;
  offline?: boolean;
  check: boolean;
}

const DTYPES = Object.keys(ONNX_FILE);

export function registerConvertCommand(program: Command): void {
  program
    .command("convert")
    .description("convert a GLiNER or GLiNER2 checkpoint (model.safetensors or pytorch_model.bin) to ONNX, without Python")
    .argument("<source>", "hub repo id or local checkpoint folder")
    .requiredOption("-o, --out <folder>", "output model folder (config, tokenizer, onnx/model*.onnx)")
    .option("--dtype <dtype>", "fp32, fp16, or int8 MatMul weights: q8 (u8×s8, 7-bit weights, safe on every CPU), int8 (u8×s8), uint8 (u8×u8)", "fp32")
    .option("--weights <kind>", "safetensors or pytorch (default: safetensors when present)")
    .option("--revision <rev>", "hub revision")
    .option("--cache-dir <dir>", "hub cache folder")
    .option("--offline", "use the hub cache only")
    .option("--no-check", "fp16/int8: skip comparing the result with an fp32 conversion (max |Δ logit|, entity agreement)")
    .action(async (source: string, flags: ConvertFlags) => {
      if (!DTYPES.includes(flags.dtype)) {
        throw new InvalidInputError("dtype", `--dtype must be one of ${DTYPES.join(", ")}; got "${flags.dtype}".`);
      }
      if (flags.weights !== undefined && flags.weights !== "safetensors" && flags.weights !== "pytorch") {
        throw new InvalidInputError("weights", `--weights must be safetensors or pytorch; got "${flags.weights}".`);
      }
      const started = Date.now();
      const options = {
        ...(flags.weights === undefined ? {} : { weights: flags.weights as "safetensors" | "pytorch" }),
        ...(flags.revision === undefined ? {} : { revision: flags.revision }),
        ...(flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir }),
        ...(flags.offline ? { localFilesOnly: true } : {}),
      };
      const result = await convertModel(source, flags.out, { ...options, dtype: flags.dtype as ConvertDType });
      const seconds = (Date.now() - started) / 1000;
      // Reduced precision is measured, not assumed: the same checkpoint in fp32 on a few probe sentences.
      const quality =
        flags.check && result.dtype !== "fp32"
          ? await checkAgainstFp32(result.modelPath, (folder) => convertModel(source, folder, { ...options, dtype: "fp32" })).catch((error: unknown) => {
              // e.g. a family without NER entities (GLiNER2, relations): the file is written, only the check is not possible.
              process.stderr.write(`quality check skipped: ${error instanceof Error ? error.message : String(error)}\n`);
              return undefined;
            })
          : undefined;
      if (quality !== undefined) {
        process.stderr.write(
          `${result.dtype} vs fp32 on ${quality.texts} probe texts: max |Δ logit| ${quality.maxAbsLogitDiff.toExponential(2)}, ` +
            `entities ${quality.commonEntities} common of ${quality.referenceEntities} (fp32) / ${quality.candidateEntities} (${result.dtype}), ` +
            `agreement ${(100 * quality.agreement).toFixed(1)}% at threshold ${quality.threshold}\n`,
        );
      }
      process.stdout.write(
        `${JSON.stringify({ model: result.modelPath, weights: result.weightsFile, dtype: result.dtype, files: result.files, seconds, ...(quality === undefined ? {} : { quality }) })}\n`,
      );
    });
}

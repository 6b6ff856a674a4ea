// Lint: typescript-eslint's recommended rules, plus the boundaries that keep the core runtime-neutral.
import tseslint from "typescript-eslint";

const NODE_ONLY = ["src/runtime/node*.ts", "src/node.ts", "src/cli/**", "src/server/**", "src/queue/**", "src/batch/**", "src/convert/**", "src/eval/**"];
const NODE_BUILTINS = {
  group: ["node:*", "fs", "path", "os", "crypto", "child_process", "worker_threads"],
  message: "The core is runtime-neutral: put Node code behind src/runtime/.",
};
const ORT = { group: ["onnxruntime-node", "onnxruntime-web"], message: "Only src/runtime/* may import an ONNX Runtime package." };

/**
 * Stage order (src/pipeline.ts chains them): text → prompt → tensors → inference → decode → pipeline → tasks.
 * No stage imports a later one; src/model (loading) imports none of them.
 */
const STAGES = ["text", "prompt", "tensors", "inference", "decode", "pipeline", "tasks"];
// Paths as written from src/<room>/ or src/<room>/<sub>/: "../tasks/x.js", "../../decode/x.js".
const stagePath = (stage) => (stage === "pipeline" ? "**/pipeline.js" : `**/${stage}/*`);
const fromRoom = (stage) => (stage === "pipeline" ? ["../pipeline.js", "../../pipeline.js"] : [`../${stage}/*`, `../../${stage}/*`]);
export const stageOrderRules = [
  ...STAGES.slice(0, -1).map((stage, i) => ({
    files: [`src/${stage === "pipeline" ? "pipeline.ts" : `${stage}/**/*.ts`}`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            NODE_BUILTINS,
            ORT,
            { group: STAGES.slice(i + 1).map(stagePath), message: `Stage order: ${stage} may not import a later stage (${STAGES.slice(i + 1).join(", ")}).` },
          ],
        },
      ],
    },
  })),
  {
    files: ["src/model/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [NODE_BUILTINS, ORT, { group: STAGES.slice(1).map(stagePath), message: "Stage order: model loading may not import a pipeline stage." }] },
      ],
    },
  },
  ...[
    ["src/server/**/*.ts", "src/cli/**/*.ts", "src/batch/**/*.ts", "src/queue/**/*.ts", "src/eval/**/*.ts"],
    ["src/web/**/*.ts"],
  ].map((files) => ({
    // Outer rooms use the public API (index.js / node.js / web.js, and the task registry), never the stages' or
    // the tasks' internals; every task runs through model.run. Type-only imports are free.
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...(files[0] === "src/web/**/*.ts" ? [NODE_BUILTINS, ORT] : []),
            {
              group: [...STAGES.slice(1).flatMap(fromRoom), "!../tasks/registry.js", "!../../tasks/registry.js"],
              allowTypeImports: true,
              message: "Outer rooms import the public index (or the task registry), not stage or task internals; run tasks with model.run.",
            },
          ],
        },
      ],
    },
  })),
];

export default tseslint.config(
  { ignores: ["dist/**", "dist-web/**", "node_modules/**", "test-output/**", "scratch/**", "coverage/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The core must run in the browser: no Node built-ins or onnxruntime-node outside the Node-only folders.
    files: ["src/**/*.ts"],
    ignores: [...NODE_ONLY, "src/runtime/web.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [NODE_BUILTINS, ORT] }] },
  },
  ...stageOrderRules,
  {
    // The browser runtime is the one browser file that may import onnxruntime-web; still no Node built-ins.
    files: ["src/runtime/web.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [NODE_BUILTINS, { group: ["onnxruntime-node"], message: ORT.message }] }] },
  },
);

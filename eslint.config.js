// Lint: typescript-eslint's recommended rules, plus the boundaries that keep the core runtime-neutral.
import tseslint from "typescript-eslint";

const NODE_ONLY = ["src/runtime/node*.ts", "src/node.ts", "src/cli/**", "src/server/**", "src/queue/**", "src/batch/**", "src/convert/**", "src/eval/**"];
const NODE_BUILTINS = {
  group: ["node:*", "fs", "path", "os", "crypto", "child_process", "worker_threads"],
  message: "The core is runtime-neutral: put Node code behind src/runtime/.",
};
const ORT = { group: ["onnxruntime-node", "onnxruntime-web"], message: "Only src/runtime/* may import an ONNX Runtime package." };

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
  {
    // The browser runtime is the one browser file that may import onnxruntime-web; still no Node built-ins.
    files: ["src/runtime/web.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [NODE_BUILTINS, { group: ["onnxruntime-node"], message: ORT.message }] }] },
  },
);

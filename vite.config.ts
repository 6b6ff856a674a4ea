/**
 * `npm run build:web` → dist-web/, the browser build as plain ES modules (no bundler needed to use it):
 *   client.js   createGlinerWorker(): the small page-side module; it starts the worker below
 *   web.js      GLiNER on the page thread (when a worker is not wanted)
 *   page-engine.js  the server web page's "run in: browser" engine (src/server/page/engine.js loads it)
 *   assets/     the worker, shared chunks, and the WebGPU build of ONNX Runtime (loaded only with device "webgpu")
 *   ort/        ONNX Runtime's .wasm files, under their own names so that `wasmPaths` can point here
 *   modules/    the modules each build bundled (checked by test/browser/bundle.test.ts: no Node code inside)
 *
 * App mode, not library mode: library mode would inline the .wasm files as base64.
 */
import { defineConfig, type Plugin } from "vite";

const ortAssets = (name: string | undefined) => (name?.endsWith(".wasm") ? "ort/[name][extname]" : "assets/[name]-[hash][extname]");

/** Writes `modules/<build>.json`: every chunk with the module ids bundled into it, relative to the project. */
function moduleGraph(build: string): Plugin {
  return {
    name: "gliner-ts:module-graph",
    generateBundle(_, bundle) {
      const root = process.cwd().replace(/\\/g, "/");
      const chunks: Record<string, string[]> = {};
      for (const item of Object.values(bundle)) {
        if (item.type !== "chunk") continue;
        chunks[item.fileName] = item.moduleIds.map((id) => id.replace(/\\/g, "/").replace(`${root}/`, "")).sort();
      }
      this.emitFile({ type: "asset", fileName: `modules/${build}.json`, source: `${JSON.stringify(chunks, null, 1)}\n` });
    },
  };
}

export default defineConfig({
  // Relative URLs between the files: dist-web/ works wherever it is served (the project server mounts it at /web/).
  base: "./",
  publicDir: false,
  plugins: [moduleGraph("page")],
  build: {
    outDir: "dist-web",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    rolldownOptions: {
      input: { client: "src/web/client.ts", web: "src/web.ts", "page-engine": "src/web/page-engine.ts" },
      preserveEntrySignatures: "exports-only",
      // The plugin-timing note is noise in CI logs.
      checks: { pluginTimings: false },
      output: {
        entryFileNames: "[name].js",
        chunkFileNames: "assets/[name]-[hash].js",
        assetFileNames: (asset) => ortAssets(asset.names[0]),
      },
    },
  },
  worker: {
    // ES module worker: the WebGPU build is a dynamic import, which classic (iife) workers cannot split out.
    format: "es",
    plugins: () => [moduleGraph("worker")],
    rolldownOptions: {
      checks: { pluginTimings: false },
      output: {
        entryFileNames: "assets/[name]-[hash].js",
        chunkFileNames: "assets/[name]-[hash].js",
        assetFileNames: (asset) => ortAssets(asset.names[0]),
      },
    },
  },
});

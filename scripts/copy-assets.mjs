// Finishes what tsc leaves undone in dist/: copies the web page's HTML, CSS and JS next to the compiled server
// (so `dist/server/page/` exists after `npm run build` just as `src/server/page/` does under tsx), and makes the
// `gliner-ts` executable executable — tsc writes it 0644, and `npx gliner-ts` in the clone runs it directly.
import { chmodSync, cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const assets = [["src/server/page", "dist/server/page"]];

for (const [from, to] of assets) {
  const source = `${root}${from}`;
  if (!existsSync(source)) throw new Error(`copy-assets: ${from} is missing`);
  rmSync(`${root}${to}`, { recursive: true, force: true });
  cpSync(source, `${root}${to}`, { recursive: true });
  console.log(`copy-assets: ${from} → ${to}`);
}
chmodSync(`${root}dist/cli/bin.js`, 0o755);

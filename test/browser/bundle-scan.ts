/**
 * Reads built JavaScript with a real parser (vite's `parseAst`), so minified code cannot hide an import from a
 * regular expression: module specifiers (static, re-export, dynamic import), string literals that name a Node
 * built-in or onnxruntime-node (a renamed `require("node:x")` shim is still a string), and every URL in a string.
 */
import { parseAst } from "vite";

export interface BundleScan {
  /** Specifiers of `import`/`export ... from` and `import()`; `undefined` marks a computed `import(expr)`. */
  specifiers: (string | undefined)[];
  /** String literals that name Node-only modules: `fs`, `node:path`, `onnxruntime-node`, ... */
  nodeModules: string[];
  /** Every http(s) or protocol-relative URL inside a string or template literal. */
  urls: string[];
}

const NODE_BUILTINS = new Set(["fs", "fs/promises", "path", "os", "crypto", "child_process", "worker_threads", "http", "https", "net", "stream", "zlib", "url", "util", "module", "process", "buffer"]);
/** Exact names are only checked among specifier-like strings: "path" is also a word in messages, "node:path" never is. */
const isNodeOnly = (value: string): boolean => value.startsWith("node:") || value.includes("onnxruntime-node");
const URL_PATTERN = /(?:https?:)?\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:\/[^\s"'`)]*)?/gi;

interface AstNode {
  type: string;
  [key: string]: unknown;
}

export function scanBundle(code: string): BundleScan {
  const scan: BundleScan = { specifiers: [], nodeModules: [], urls: [] };
  const strings: string[] = [];
  walk(parseAst(code) as unknown as AstNode, (node) => {
    if ((node.type === "ImportDeclaration" || node.type === "ExportNamedDeclaration" || node.type === "ExportAllDeclaration" || node.type === "ImportExpression") && node.source) {
      const value = constantString(node.source as AstNode);
      scan.specifiers.push(value);
      if (value !== undefined && NODE_BUILTINS.has(value)) scan.nodeModules.push(value);
    }
    if (node.type === "Literal" && typeof node.value === "string") strings.push(node.value);
    if (node.type === "TemplateElement") strings.push((node.value as { cooked?: string; raw: string }).cooked ?? (node.value as { raw: string }).raw);
  });
  for (const value of strings) {
    if (isNodeOnly(value)) scan.nodeModules.push(value);
    scan.urls.push(...(value.match(URL_PATTERN) ?? []));
  }
  return scan;
}

/** A string literal or a template literal without expressions, else undefined. */
function constantString(node: AstNode): string | undefined {
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  const quasis = node.quasis as { value: { cooked?: string } }[] | undefined;
  if (node.type === "TemplateLiteral" && (node.expressions as unknown[]).length === 0 && quasis?.length === 1) return quasis[0]?.value.cooked;
  return undefined;
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
  visit(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit);
    } else if (isNode(value)) {
      walk(value, visit);
    }
  }
}

const isNode = (value: unknown): value is AstNode => typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";

/** The host of a URL found by {@link scanBundle}. */
export function urlHost(url: string): string {
  return new URL(url.startsWith("//") ? `https:${url}` : url).host;
}

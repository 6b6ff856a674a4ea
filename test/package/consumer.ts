/** Helpers of the package tests: start `gliner-ts serve` until it listens; split a README command into words. */
import { type ChildProcess, spawn } from "node:child_process";

/** Starts a server command and resolves with its URL once it prints "listening on <url>". */
export function startServer(command: string, args: readonly string[], cwd: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const url = /listening on (http:\/\/\S+?)[ ,(]/.exec(stderr)?.[1];
      if (url !== undefined) resolve({ url, child });
    });
    child.on("error", reject);
    child.on("close", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

/** The words of a one-line shell command with double-quoted arguments (what the README's commands use). */
export function shellWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

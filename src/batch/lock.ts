/**
 * One writer per output file: two runs appending to the same results would each skip only what they had read at
 * start and then write the same documents twice. The lock is `<output>.lock` holding `host pid`; a lock left by a
 * process that no longer exists on this host (killed, crashed) is taken over.
 */
import { readFile, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { InvalidInputError } from "../errors.js";

export interface FileLock {
  readonly path: string;
  release(): Promise<void>;
}

export async function lockOutput(output: string): Promise<FileLock> {
  const path = `${output}.lock`;
  const owner = `${hostname()} ${process.pid}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${owner}\n`, { flag: "wx" });
      return { path, release: () => unlink(path).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new InvalidInputError("output", `cannot create the lock file ${path}: ${(error as Error).message}`, { cause: error });
      }
    }
    const holder = (await readFile(path, "utf8").catch(() => "")).trim();
    const [host, pidText] = holder.split(" ");
    const pid = Number(pidText);
    if (host === hostname() && Number.isInteger(pid) && !isAlive(pid)) {
      await unlink(path).catch(() => undefined); // stale: its process is gone
      continue;
    }
    if (holder === "") {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the holder is between create and write
      continue;
    }
    throw new InvalidInputError(
      "output",
      `${output} is being written by another gliner-ts batch (${holder}); wait for it to finish, or delete ${path} if that process is gone.`,
    );
  }
  throw new InvalidInputError("output", `could not take the lock ${path}; delete it if no other gliner-ts batch is running.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

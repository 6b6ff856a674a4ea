#!/usr/bin/env node
// The `gliner-ts` executable: everything lives in main.ts so tests can run the program in-process.
import { main, reportError } from "./main.js";

// An error outside main()'s await chain (a stream's 'error' event) still ends as one line and an exit code.
const crash = (error: unknown) => process.exit(reportError(error));
process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);

main().then((code) => process.exit(code));

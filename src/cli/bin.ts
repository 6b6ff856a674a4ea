#!/usr/bin/env node
// The `gliner-ts` executable: everything lives in main.ts so tests can run the program in-process.
import { main } from "./main.js";

main().then((code) => process.exit(code));

#!/usr/bin/env node
// Thin launcher for the compiled CLI (built by `npm run build`, which `npm install` runs via `prepare`).
import { runCli } from '../dist/cli/main.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;

// The process entry point of the `pulldoctor` command: the only place the CLI touches `process`.
import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;

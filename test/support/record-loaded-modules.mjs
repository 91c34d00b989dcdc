// `node --import tsx --import ./test/support/record-loaded-modules.mjs ENTRY`: appends the URL of every ES module the
// process resolves to the file named by LOADED_MODULES_FILE, one per line (the module hooks of node:module run in
// their own thread, which inherits the environment). For the test that the production entry loads no sandbox and no
// test code.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (process.env.LOADED_MODULES_FILE && result.url.startsWith('file:')) appendFileSync(process.env.LOADED_MODULES_FILE, `${result.url}\n`);
  return result;
}

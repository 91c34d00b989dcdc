/**
 * Entry point of the bot on the bundled sandbox (`npm start` runs it when nothing is configured, or with
 * `--sandbox`): the sandbox world (fake Kubernetes API, fake ARM and fake registries in this process) as the bot's
 * profile, then the same process as the production entry (src/server/main.ts).
 *
 *   --sandbox-tls-dir DIR   the fake servers serve DIR/server.pem and DIR/server-key.pem; DIR/ca.pem must be trusted
 *                           (NODE_EXTRA_CA_CERTS: the Azure SDK trusts nothing else). scripts/start.ts makes them.
 *
 * Refused with NODE_ENV=production (exit 2): the sandbox is for trying Pull Doctor out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { refuse, runBotProcess } from '../server/main.js';
import { sandboxProfile } from './profile.js';

let dir: string | undefined;
try {
  dir = parseArgs({ args: process.argv.slice(2), options: { 'sandbox-tls-dir': { type: 'string' } } }).values['sandbox-tls-dir'];
} catch (error) {
  refuse((error as Error).message);
}
if (dir === undefined) refuse('--sandbox-tls-dir DIR is required: the sandbox serves DIR/server.pem, signed by DIR/ca.pem');
const tlsDir = dir;
let tls: { cert: string; key: string; ca: string };
try {
  const read = (name: string) => readFileSync(join(tlsDir, name), 'utf8');
  tls = { cert: read('server.pem'), key: read('server-key.pem'), ca: read('ca.pem') };
} catch (error) {
  refuse(`--sandbox-tls-dir ${tlsDir}: cannot read the sandbox certificates (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
}
await runBotProcess((config, log) => {
  if (config.bot.environment === 'production') {
    refuse('the sandbox with NODE_ENV=production: the bundled sandbox is for trying Pull Doctor out, not for production');
  }
  return sandboxProfile({ tls, config, log });
});

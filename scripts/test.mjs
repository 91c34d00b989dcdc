#!/usr/bin/env node
// `npm test`: prepares the test certificate authority, then runs mocha with that CA trusted.
// Extra arguments go to mocha, e.g. `npm test -- --grep "pull secret"` or a spec path.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ensureTestTls } from './test-tls.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tls = ensureTestTls(join(root, 'test', '.tls'));
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const args = process.argv.slice(2);
// Without spec files on the command line, run the whole suite.
const hasSpec = args.some((a) => !a.startsWith('-') && /\.test\.ts$|\/$|\*/.test(a));
const result = spawnSync(process.execPath, [mocha, ...(hasSpec ? [] : ['test/**/*.test.ts']), ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caFile, PULLDOCTOR_TEST_TLS_DIR: tls.dir },
});
process.exit(result.status ?? 1);

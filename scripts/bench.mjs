#!/usr/bin/env node
// `npm run bench`: runs every benchmark in scripts/bench/ with the test CA trusted (the fakes speak HTTPS).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestTls } from './test-tls.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tls = ensureTestTls(join(root, 'test', '.tls'));
const only = process.argv[2];
const extra = process.argv.slice(3);
const benches = readdirSync(join(root, 'scripts', 'bench')).filter((f) => f.endsWith('-bench.ts') && (!only || f.includes(only)));
let failed = false;
for (const bench of benches) {
  console.log(`\n== ${bench}`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join('scripts', 'bench', bench), ...extra], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caFile, PULLDOCTOR_TEST_TLS_DIR: tls.dir },
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

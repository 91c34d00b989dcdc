#!/usr/bin/env node
// `npm test`: prepares the test certificate authority, then runs mocha with that CA trusted.
// Extra arguments go to mocha, e.g. `npm test -- --grep "pull secret"` or a spec path.
//
// `--unit` (npm run test:unit) runs the fast loop: every test file except the slow ones. A test file is slow when it
// starts a real part or a process: it imports test/support/azurite.ts (Azurite), test/support/docker-registry.ts
// (Debian's docker-registry), test/support/browser.ts (headless Chromium, the end-to-end tests) or node:child_process
// (the entries, the CLI as a process, SIGKILL restarts). Nothing else marks a test slow: a new test is in the fast
// loop unless it does one of those.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { ensureTestTls } from './test-tls.mjs';

const SLOW = /support\/(?:azurite|docker-registry|browser)\.js'|'node:child_process'/;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every test file under test/, in path order. */
function testFiles(dir = join(root, 'test')) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
    });
}

const tls = ensureTestTls(join(root, 'test', '.tls'));
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const unit = process.argv.includes('--unit');
const args = process.argv.slice(2).filter((a) => a !== '--unit');
// Without spec files on the command line, run the whole suite (or its fast part).
const hasSpec = args.some((a) => !a.startsWith('-') && /\.test\.ts$|\/$|\*/.test(a));
const specs = hasSpec
  ? []
  : unit
    ? testFiles().filter((file) => !SLOW.test(readFileSync(join(root, file), 'utf8')))
    : ['test/**/*.test.ts'];
const result = spawnSync(process.execPath, [mocha, ...specs, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caFile, PULLDOCTOR_TEST_TLS_DIR: tls.dir },
});
process.exit(result.status ?? 1);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { defineStoreContract } from './store-contract.js';

describe('SQLite store', () => {
  let dir: string;
  let files = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-sqlite-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('meets the store contract', () => {
    defineStoreContract(async () => {
      const path = join(dir, `contract-${++files}`, 'state.sqlite');
      return { open: () => openSqliteStore({ path, log: silentLogger() }) };
    });
  });
});

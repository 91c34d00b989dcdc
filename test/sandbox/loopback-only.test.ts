import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LOOPBACK_PRELOAD } from '../../src/sandbox/playground.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'loopback');

/**
 * The preload that keeps the Agents Playground on this machine. A tripwire loaded before it stands in for the real
 * network primitives, so a leak is recorded instead of reaching a non-loopback address.
 */
describe('the loopback-only preload', () => {
  let result: {
    listen: Record<string, string>;
    refused: Record<string, string>;
    allowed: Record<string, string>;
    leaks: string[];
  };

  before(() => {
    const out = execFileSync(
      process.execPath,
      ['--require', join(FIXTURES, 'tripwire.cjs'), '--require', LOOPBACK_PRELOAD, join(FIXTURES, 'probe.cjs')],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    result = JSON.parse(out);
  });

  it('makes every server listen on 127.0.0.1, whatever address it asks for', () => {
    assert.deepEqual(result.listen, {
      port: '127.0.0.1',
      allInterfaces: '127.0.0.1',
      ipv6Any: '127.0.0.1',
      http: '127.0.0.1',
      noArguments: '127.0.0.1',
    });
  });

  it('refuses outbound connections and look-ups of anything but loopback, as ordinary network errors', () => {
    assert.deepEqual(result.refused, {
      netIp: 'ECONNREFUSED',
      netName: 'ECONNREFUSED',
      tls: 'ECONNREFUSED',
      http: 'ECONNREFUSED',
      fetch: 'fetch failed',
      lookup: 'ENOTFOUND',
      promisesLookup: 'ENOTFOUND',
      resolve4: 'ENOTFOUND',
    });
    assert.deepEqual(result.leaks, [], 'nothing reached the real network primitives');
  });

  it('lets loopback connections through', () => {
    assert.deepEqual(result.allowed, { loopbackIp: 'connected', localhost: 'connected' });
  });
});

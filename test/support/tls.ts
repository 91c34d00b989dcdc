import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The throwaway certificates made by scripts/test-tls.mjs (the test runner sets PULLDOCTOR_TEST_TLS_DIR). */
export interface TestTls {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
  untrustedCert: string;
  untrustedKey: string;
}

let cached: TestTls | undefined;

export function testTls(): TestTls {
  if (cached) return cached;
  const dir = process.env.PULLDOCTOR_TEST_TLS_DIR;
  if (!dir) throw new Error('PULLDOCTOR_TEST_TLS_DIR is not set: run the tests with `npm test` (scripts/test.mjs)');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  cached = {
    ca: read('ca.pem'),
    cert: read('server.pem'),
    key: read('server-key.pem'),
    clientCert: read('client.pem'),
    clientKey: read('client-key.pem'),
    untrustedCert: read('untrusted.pem'),
    untrustedKey: read('untrusted-key.pem'),
  };
  return cached;
}

import assert from 'node:assert/strict';
import { isLoopbackUrl } from '../../src/clients/loopback.js';

describe('isLoopbackUrl', () => {
  it('accepts the Agents Playground and Azurite on this machine, by name or address, on any port', () => {
    for (const url of [
      'http://localhost:56150/_connector',
      'https://localhost/',
      'http://127.0.0.1:10000/devstoreaccount1/pull-doctor',
      'http://127.0.0.2:3978/',
      'http://127.1:8080/',
      'http://[::1]:56150/',
      'HTTP://LOCALHOST:3978/',
    ]) {
      assert.equal(isLoopbackUrl(url), true, url);
    }
  });

  it('refuses service URLs elsewhere, names that only look local, other schemes and non-strings', () => {
    for (const value of [
      'https://smba.trafficmanager.net/teams/',
      'https://pulldoctorstore.blob.core.windows.net/pull-doctor',
      'http://localhost.evil.example/',
      'http://127.0.0.1.nip.io/',
      'http://127.evil.example/',
      'http://169.254.169.254/metadata/identity',
      'http://[::2]/',
      'ftp://localhost/',
      'file:///etc/passwd',
      'localhost:3978',
      '',
      undefined,
      null,
      42,
      { href: 'http://localhost/' },
    ]) {
      assert.equal(isLoopbackUrl(value), false, String(value));
    }
  });
});

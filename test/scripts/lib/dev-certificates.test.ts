import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxCertificates } from '../../../scripts/lib/dev-certificates.mjs';

describe('the development certificates (scripts/lib/dev-certificates.mjs)', function () {
  this.timeout(20_000);
  let dir: string;
  before(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'pulldoctor-certs-')), 'sandbox-tls');
  });
  after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it("make the sandbox's CA and a server certificate it signed, for every fake server name and loopback", () => {
    const { caFile } = ensureSandboxCertificates(dir);
    const ca = new X509Certificate(readFileSync(caFile));
    const server = new X509Certificate(readFileSync(join(dir, 'server.pem')));
    assert.ok(ca.ca);
    assert.ok(server.verify(ca.publicKey), 'signed by the CA');
    for (const host of ['shopacr.azurecr.io', 'docker.io', 'registry-1.docker.io', 'management.azure.com', 'localhost']) {
      assert.ok(server.checkHost(host), host);
    }
    assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(server.checkHost('example.org'), undefined);
  });

  it('keep their keys private to the user', () => {
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const key of ['ca-key.pem', 'server-key.pem']) assert.equal(statSync(join(dir, key)).mode & 0o077, 0, key);
  });

  it('are reused while fresh, and made again when their version changes', () => {
    const before = readFileSync(join(dir, 'ca.pem'), 'utf8');
    ensureSandboxCertificates(dir);
    assert.equal(readFileSync(join(dir, 'ca.pem'), 'utf8'), before);
    writeFileSync(join(dir, 'version'), 'older');
    ensureSandboxCertificates(dir);
    assert.notEqual(readFileSync(join(dir, 'ca.pem'), 'utf8'), before);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let cached: { cert: string; key: string } | undefined;

/**
 * A server certificate for `*.example.com` signed by the trusted test CA whose validity ended in 2020, so the only
 * thing wrong with it is the date (CERT_HAS_EXPIRED). Made with `openssl ca`, which accepts explicit dates.
 */
export function expiredCertificate(): { cert: string; key: string } {
  if (cached) return cached;
  const caDir = process.env.PULLDOCTOR_TEST_TLS_DIR;
  if (!caDir) throw new Error('PULLDOCTOR_TEST_TLS_DIR is not set: run the tests with `npm test` (scripts/test.mjs)');
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-expired-'));
  try {
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = test_ca',
        '[ test_ca ]',
        `database = ${join(dir, 'index.txt')}`,
        `new_certs_dir = ${dir}`,
        `serial = ${join(dir, 'serial')}`,
        'default_md = sha256',
        'policy = any_name',
        'unique_subject = no',
        '[ any_name ]',
        'commonName = supplied',
        '[ server ]',
        'basicConstraints = CA:FALSE',
        'keyUsage = digitalSignature,keyEncipherment',
        'extendedKeyUsage = serverAuth',
        'subjectAltName = DNS:*.example.com,DNS:*.azurecr.io',
      ].join('\n'),
    );
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'req.csr', '-subj', '/CN=expired.example.com']);
    run([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      join(caDir, 'ca.pem'),
      '-keyfile',
      join(caDir, 'ca-key.pem'),
      '-in',
      'req.csr',
      '-out',
      'cert.pem',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
      '-extensions',
      'server',
      '-notext',
    ]);
    cached = { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Throwaway certificate authorities and leaf certificates made with openssl, for the fake servers (Kubernetes API,
// Azure Resource Manager, container registries) of the tests and of the local sandbox (`npm start`). A process
// trusts such a CA only through NODE_EXTRA_CA_CERTS, which Node reads at start-up: whoever starts that process
// makes the certificates first (scripts/test.mjs for the tests, scripts/start.ts for the sandbox bot).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Host names the fake servers answer for; clients map them to 127.0.0.1 with an injected resolver. */
export const FAKE_SERVER_NAMES = [
  'localhost',
  '*.azurecr.io',
  '*.example.com',
  'example.com',
  'docker.io',
  '*.docker.io',
  'ghcr.io',
  'quay.io',
  'mcr.microsoft.com',
  '*.hcp.westeurope.azmk8s.io',
  '*.privatelink.westeurope.azmk8s.io',
  'management.azure.com',
  'login.microsoftonline.com',
  'graph.microsoft.com',
];
export const FAKE_SERVER_IPS = ['127.0.0.1', '::1'];

/** `subjectAltName` entries for every fake server name and loopback address. */
export function fakeServerSans() {
  return [...FAKE_SERVER_NAMES.map((n) => `DNS:${n}`), ...FAKE_SERVER_IPS.map((ip) => `IP:${ip}`)];
}

/** Certificates are valid 90 days and regenerated a week before they expire. */
const VALID_DAYS = 90;
const RENEW_AFTER_DAYS = 83;

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function fresh(dir, version) {
  const marker = join(dir, 'version');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== version) return false;
  return Date.now() - statSync(marker).mtimeMs < RENEW_AFTER_DAYS * 86_400_000;
}

function makeAuthority(dir, name) {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
      '-days',
      String(VALID_DAYS),
      '-sha256',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  chmodSync(join(dir, `${name}-key.pem`), 0o600);
}

function issue(dir, { name, authority, sans }) {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=${sans.join(',')}`,
    ].join('\n'),
  );
  openssl(
    ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${authority}.pem`,
      '-CAkey',
      `${authority}-key.pem`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      String(VALID_DAYS),
      '-sha256',
      '-extfile',
      ext,
    ],
    dir,
  );
  chmodSync(join(dir, `${name}-key.pem`), 0o600);
}

/**
 * Makes (or keeps, while fresh and of the same `version`) the authorities and leaves in `dir` (created 0700):
 * `<name>.pem` and `<name>-key.pem` for each. `leaves` are `{ name, authority, sans }`, `sans` as openssl writes
 * them (`DNS:host`, `IP:127.0.0.1`).
 */
export function ensureDevCertificates(dir, { version, authorities, leaves }) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!fresh(dir, version)) {
    for (const authority of authorities) makeAuthority(dir, authority);
    for (const leaf of leaves) issue(dir, leaf);
    writeFileSync(join(dir, 'version'), version);
  }
  return { dir, file: (name) => join(dir, name) };
}

/**
 * The sandbox's certificates: `ca.pem` (to trust) and `server.pem`/`server-key.pem` for every fake server name.
 * The same layout as the tests' (scripts/test-tls.mjs), so that either directory can serve the sandbox.
 */
export function ensureSandboxCertificates(dir) {
  const certificates = ensureDevCertificates(dir, {
    version: 'sandbox-1',
    authorities: ['ca'],
    leaves: [{ name: 'server', authority: 'ca', sans: fakeServerSans() }],
  });
  return { dir, caFile: certificates.file('ca.pem') };
}

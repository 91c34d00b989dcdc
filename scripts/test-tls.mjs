// Generates a throwaway certificate authority and server certificates for the fake servers the tests start
// (Kubernetes API, Azure Resource Manager, container registries). The CA is trusted by the test process via
// NODE_EXTRA_CA_CERTS, which Node reads only at start-up: that is why this runs before mocha, not inside it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Host names the fake servers answer for; tests map them to 127.0.0.1 with an injected resolver. */
export const TEST_SERVER_NAMES = [
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
const TEST_SERVER_IPS = ['127.0.0.1', '::1'];
const VERSION = '1';

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function fresh(dir) {
  const marker = join(dir, 'version');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== VERSION) return false;
  // regenerate a week before expiry (certificates are valid 90 days)
  return Date.now() - statSync(marker).mtimeMs < 83 * 86_400_000;
}

function issue(dir, name, caName, sans) {
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
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}-key.pem`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '90', '-sha256', '-extfile', ext], dir);
}

function makeCa(dir, name) {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '90', '-sha256', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
}

/**
 * Files: ca.pem (trusted), server.pem/server-key.pem (all test host names, signed by ca), client.pem/client-key.pem
 * (a client certificate signed by ca, for the fake Kubernetes API), untrusted-ca.pem and untrusted.pem/-key.pem
 * (a server certificate for the same names signed by a CA nobody trusts, to provoke x509 errors).
 */
export function ensureTestTls(dir) {
  mkdirSync(dir, { recursive: true });
  if (!fresh(dir)) {
    const sans = [...TEST_SERVER_NAMES.map((n) => `DNS:${n}`), ...TEST_SERVER_IPS.map((ip) => `IP:${ip}`)];
    makeCa(dir, 'ca');
    makeCa(dir, 'untrusted-ca');
    issue(dir, 'server', 'ca', sans);
    issue(dir, 'client', 'ca', ['DNS:pulldoctor-test-client']);
    issue(dir, 'untrusted', 'untrusted-ca', sans);
    writeFileSync(join(dir, 'version'), VERSION);
  }
  return { dir, caFile: join(dir, 'ca.pem') };
}

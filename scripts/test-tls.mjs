// The tests' throwaway certificate authority and certificates (scripts/lib/dev-certificates.mjs makes them). The CA
// is trusted by the test process via NODE_EXTRA_CA_CERTS, which Node reads only at start-up: that is why this runs
// before mocha, not inside it.
import { ensureDevCertificates, fakeServerSans } from './lib/dev-certificates.mjs';

/**
 * Files: ca.pem (trusted), server.pem/server-key.pem (all test host names, signed by ca), client.pem/client-key.pem
 * (a client certificate signed by ca, for the fake Kubernetes API), untrusted-ca.pem and untrusted.pem/-key.pem
 * (a server certificate for the same names signed by a CA nobody trusts, to provoke x509 errors).
 */
export function ensureTestTls(dir) {
  const sans = fakeServerSans();
  ensureDevCertificates(dir, {
    version: '1',
    authorities: ['ca', 'untrusted-ca'],
    leaves: [
      { name: 'server', authority: 'ca', sans },
      { name: 'client', authority: 'ca', sans: ['DNS:pulldoctor-test-client'] },
      { name: 'untrusted', authority: 'untrusted-ca', sans },
    ],
  });
  return { dir, caFile: `${dir}/ca.pem` };
}

import assert from 'node:assert/strict';
import { inspectPullSecret, type PullSecretIssue } from '../../../src/diagnosis/credentials/index.js';
import { b64, dockerConfigJsonSecret, loadSecret } from '../../support/secret-fixtures.js';

const codes = (issues: PullSecretIssue[]): Array<[string, string | undefined, boolean]> => issues.map((i) => [i.code, i.key, i.fatal]);

describe('inspectPullSecret', () => {
  it('finds nothing to say about the secrets kubectl makes', () => {
    for (const file of ['kubectl-dockerhub.json', 'kubectl-ghcr.json', 'kubectl-acr-service-principal.json', 'dockercfg-legacy.json']) {
      const inspection = inspectPullSecret(loadSecret(file));
      assert.ok(inspection.parse.ok, file);
      assert.deepEqual(inspection.issues, [], file);
    }
  });

  it('gives the fatal problem, the same as parsePullSecret, when the kubelet cannot use the secret', () => {
    const inspection = inspectPullSecret(loadSecret('malformed/auth-not-base64.json'));
    assert.ok(!inspection.parse.ok);
    assert.deepEqual(inspection.issues, [{ code: 'auth-not-decodable', fatal: true, detail: inspection.parse.detail }]);
  });

  it('warns that the kubelet drops the identity token of an ACR refresh-token login', () => {
    const [issue, ...rest] = inspectPullSecret(loadSecret('acr-identity-token.json')).issues;
    assert.deepEqual(rest, []);
    assert.equal(issue?.code, 'token-ignored-by-kubelet');
    assert.equal(issue?.key, 'contosoacr.azurecr.io');
    assert.equal(issue?.fatal, false);
    assert.match(issue?.detail ?? '', /does not pass to the container runtime.*has no password/);
  });

  it('flags token-only entries and Docker Hub look-alike keys in a multi-registry secret', () => {
    assert.deepEqual(codes(inspectPullSecret(loadSecret('multi-registry.json')).issues), [
      ['token-ignored-by-kubelet', 'ghcr.io', false],
      ['key-never-matches', 'registry-1.docker.io', false],
    ]);
  });

  it('flags keys the kubelet cannot parse or never matches, showing them safely', () => {
    const issues = inspectPullSecret(loadSecret('hostile/odd-keys.json')).issues;
    assert.deepEqual(codes(issues), [
      ['key-never-matches', 'HTTPS://ghcr.io', false],
      ['key-ignored-by-kubelet', '\\u{60}ghcr.io\\u{60}', false],
      ['key-ignored-by-kubelet', 'evil\\u{0}.example.com', false],
      ['key-ignored-by-kubelet', 'ghcr.io\\u{202e}\\u{a}moc.live', false],
      ['key-ignored-by-kubelet', 'ho st.example.com', false],
    ]);
  });

  it('flags an entry without credentials next to entries that have them', () => {
    const inspection = inspectPullSecret(dockerConfigJsonSecret(`{"auths":{"ghcr.io":{"auth":"${b64('u:p')}"},"quay.io":{"email":"ops@contoso.example"}}}`));
    assert.ok(inspection.parse.ok);
    assert.deepEqual(codes(inspection.issues), [['entry-without-credentials', 'quay.io', false]]);
  });

  it('flags a username without a password, and says when it came from auth', () => {
    const fromFields = inspectPullSecret(dockerConfigJsonSecret('{"auths":{"ghcr.io":{"username":"bot"}}}')).issues;
    assert.deepEqual(codes(fromFields), [['incomplete-credentials', 'ghcr.io', false]]);
    assert.match(fromFields[0]?.detail ?? '', /a username but an empty password\.$/);
    const fromAuth = inspectPullSecret(dockerConfigJsonSecret(`{"auths":{"ghcr.io":{"auth":"${b64(':only-password')}"}}}`)).issues;
    assert.match(fromAuth[0]?.detail ?? '', /a password but an empty username in its `auth`/);
  });
});

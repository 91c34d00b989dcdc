import assert from 'node:assert/strict';
import {
  describeEntries,
  type PullSecretParse,
  inspectPullSecret,
  type PullSecretIssue,
} from '../../../src/diagnosis/credentials/pull-secret.js';
import { findCredentialFor } from '../../../src/diagnosis/credentials/keyring.js';
import type { DockerConfigEntry } from '../../../src/diagnosis/credentials/docker-config.js';
import { b64, dockerConfigJsonSecret, loadSecret } from '../../support/secret-fixtures.js';

/** The entries of a secret, or why the kubelet cannot use it: the `parse` half of an inspection. */
const parsed = (secret: Parameters<typeof inspectPullSecret>[0]): PullSecretParse => inspectPullSecret(secret).parse;

function entriesOf(result: PullSecretParse): DockerConfigEntry[] {
  assert.ok(result.ok, `expected a readable secret, got ${JSON.stringify(result)}`);
  return result.entries;
}

describe('inspectPullSecret: reading a secret as the kubelet does', () => {
  describe('reads secrets made the usual ways', () => {
    it('reads a Docker Hub secret made by kubectl create secret docker-registry', () => {
      const result = parsed(loadSecret('kubectl-dockerhub.json'));
      assert.deepEqual(result, {
        ok: true,
        format: 'dockerconfigjson',
        entries: [{ key: 'https://index.docker.io/v1/', username: 'contosoci', password: 'Hub-Pa55w0rd&Fixture<1>' }],
      });
    });

    it('reads GHCR and ACR secrets made by kubectl with --docker-server', () => {
      assert.deepEqual(entriesOf(parsed(loadSecret('kubectl-ghcr.json'))), [
        { key: 'ghcr.io', username: 'contoso-bot', password: 'fixture-ghcr-pat-7f3a9c1e5d' },
      ]);
      assert.deepEqual(entriesOf(parsed(loadSecret('kubectl-acr-service-principal.json'))), [
        { key: 'contosoacr.azurecr.io', username: '3f9a1c2e-7b4d-4e8f-a1b2-c3d4e5f6a7b8', password: 'Q7x8Q~fixtureSpSecret.2b8dKq1' },
      ]);
    });

    it('reads a legacy kubernetes.io/dockercfg secret, which has no auths wrapper', () => {
      assert.deepEqual(parsed(loadSecret('dockercfg-legacy.json')), {
        ok: true,
        format: 'dockercfg',
        entries: [{ key: 'https://index.docker.io/v1/', username: 'legacyuser', password: 'Legacy-Fixture-Pw-91' }],
      });
    });

    it('keeps the identity token of an ACR refresh-token login next to the user from auth', () => {
      assert.deepEqual(entriesOf(parsed(loadSecret('acr-identity-token.json'))), [
        {
          key: 'contosoacr.azurecr.io',
          username: '00000000-0000-0000-0000-000000000000',
          password: '',
          identityToken: 'eyJhbGciOiJub25lIn0.fixture-acr-refresh-token-c41d.NOT-REAL',
        },
      ]);
    });

    it('reads every entry of a multi-registry config, in document order', () => {
      const entries = entriesOf(parsed(loadSecret('multi-registry.json')));
      assert.deepEqual(
        entries.map((e) => e.key),
        [
          '*.azurecr.io',
          '[fd00::5]:5000',
          'ghcr.io',
          'https://index.docker.io/v1/',
          'localhost:5000',
          'quay.io',
          'quay.io/contoso',
          'registry-1.docker.io',
        ],
      );
    });
  });

  describe('names what is wrong with a malformed secret', () => {
    const CASES: Array<[file: string, problem: string, detail: RegExp]> = [
      ['malformed/opaque-type.json', 'wrong-type', /type "Opaque".*kubernetes\.io\/dockerconfigjson.*It does hold "\.dockerconfigjson"/],
      ['malformed/missing-key.json', 'missing-key', /has no "\.dockerconfigjson" key.*data keys are "config\.json"/],
      ['malformed/not-base64.json', 'not-base64', /"\.dockerconfigjson" is not valid base64 \(invalid at position 0\)/],
      ['malformed/not-json.json', 'not-json', /"\.dockerconfigjson" is not valid JSON at position 78 \(unexpected end of input/],
      ['malformed/double-base64.json', 'not-json', /at position 0 .*base64-encoded twice/],
      ['malformed/auths-missing.json', 'no-entries', /no "auths" object.*"ghcr\.io" look like registries.*legacy \.dockercfg layout/],
      ['malformed/auths-empty.json', 'no-entries', /empty "auths" object/],
      ['malformed/entry-not-object.json', 'not-json', /the entry "ghcr\.io" is a string where an object belongs.*fails every image pull/],
      ['malformed/username-not-string.json', 'not-json', /"username" of the entry "ghcr\.io" is a number where a string belongs/],
      [
        'malformed/auth-not-base64.json',
        'auth-not-decodable',
        /entry "ghcr\.io" has an "auth" that is not base64 of user:password.*"illegal base64 data at input byte 7"/,
      ],
      [
        'malformed/auth-without-colon.json',
        'auth-not-decodable',
        /entry "contosoacr\.azurecr\.io".*without the ":".*must be formatted as base64\(username:password\)/,
      ],
      [
        'malformed/dockerconfigjson-in-dockercfg.json',
        'entry-without-credentials',
        /"auths" has no "auth".*\.dockerconfigjson layout, but this is a kubernetes\.io\/dockercfg secret/,
      ],
      [
        'docker-desktop-credsstore.json',
        'entry-without-credentials',
        /"ghcr\.io" and "https:\/\/index\.docker\.io\/v1\/" have no "auth".*"credsStore: desktop".*kubectl create secret docker-registry/,
      ],
    ];
    for (const [file, problem, detail] of CASES) {
      it(`reports ${problem} for ${file}`, () => {
        const result = parsed(loadSecret(file));
        assert.ok(!result.ok);
        assert.equal(result.problem, problem);
        assert.match(result.detail, detail);
      });
    }

    it('says when the secret has no type, no data, or an empty value', () => {
      assert.match((parsed({}) as { detail: string }).detail, /has no type \(Kubernetes treats it as "Opaque"\)/);
      assert.deepEqual(parsed({ type: 'kubernetes.io/dockerconfigjson' }), {
        ok: false,
        problem: 'missing-key',
        detail: 'The kubernetes.io/dockerconfigjson secret has no ".dockerconfigjson" key, so the kubelet skips it. It has no data at all.',
      });
      const empty = parsed({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '' } });
      assert.ok(!empty.ok && empty.problem === 'missing-key' && /has an empty "\.dockerconfigjson"/.test(empty.detail));
      const swapped = parsed({ type: 'kubernetes.io/dockercfg', data: { '.dockerconfigjson': b64('{}') } });
      assert.ok(
        !swapped.ok && /It holds "\.dockerconfigjson", which belongs to type kubernetes\.io\/dockerconfigjson/.test(swapped.detail),
      );
    });

    it('survives values of the wrong JavaScript type', () => {
      for (const secret of [
        null,
        undefined,
        42,
        'x',
        [],
        { type: 7, data: 'x' },
        { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 5 } },
      ]) {
        const result = parsed(secret as never);
        assert.equal(result.ok, false);
      }
    });

    it('applies Go rules: a wrong type anywhere, even in HttpHeaders, makes the secret unreadable', () => {
      const result = parsed(dockerConfigJsonSecret(`{"auths":{"ghcr.io":{"auth":"${b64('u:p')}"}},"HttpHeaders":{"X-Retries":3}}`));
      assert.ok(!result.ok && result.problem === 'not-json');
      assert.match(result.detail, /the header "X-Retries" in "HttpHeaders" is a number where a string belongs/);
    });

    it('reports a top-level array or string as JSON of the wrong shape', () => {
      for (const config of ['[]', '"auths"', '42']) {
        const result = parsed(dockerConfigJsonSecret(config));
        assert.ok(!result.ok && result.problem === 'not-json' && /is JSON, but not a docker config: the document is/.test(result.detail));
      }
      assert.equal((parsed(dockerConfigJsonSecret('null')) as { problem: string }).problem, 'no-entries');
      assert.equal((parsed(dockerConfigJsonSecret('{"auths":null}')) as { problem: string }).problem, 'no-entries');
    });

    it('reports a byte order mark, which JSON decoders refuse', () => {
      const result = parsed(dockerConfigJsonSecret(`\ufeff{"auths":{"ghcr.io":{"auth":"${b64('u:p')}"}}}`));
      assert.ok(!result.ok && /position 0.*byte order mark/.test(result.detail));
    });
  });

  describe('stays correct on hostile secrets', () => {
    it('treats __proto__, constructor and prototype as registry names and pollutes nothing', () => {
      const entries = entriesOf(parsed(loadSecret('hostile/prototype-pollution.json')));
      assert.deepEqual(
        entries.map((e) => [e.key, e.username]),
        [
          ['__proto__', 'proto'],
          ['constructor', 'ctor'],
          ['prototype', 'proto2'],
          ['ghcr.io', 'real'],
        ],
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(({} as Record<string, unknown>).auths, undefined);
      assert.equal(findCredentialFor(entries, 'evil.example.com', 'x'), undefined);
    });

    it('ignores nested garbage in fields the kubelet does not read', () => {
      assert.deepEqual(entriesOf(parsed(loadSecret('hostile/nested-garbage.json'))), [
        { key: 'ghcr.io', username: 'garbage-user', password: 'Garbage-Fixture-17' },
      ]);
    });

    it('matches field names case-insensitively, merges repeated auths and lets the last value win, like Go', () => {
      assert.deepEqual(entriesOf(parsed(loadSecret('hostile/case-variants.json'))), [
        { key: 'ghcr.io', username: 'longs', password: 'Case-LongS-Fixture-21' },
        { key: 'quay.io', username: 'mixed', password: 'Case-Mixed-Fixture-20' },
      ]);
    });

    it('refuses nesting deeper than Go allows', () => {
      const result = parsed(dockerConfigJsonSecret(`{"auths":{"x.io":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`));
      assert.ok(!result.ok && result.problem === 'not-json' && /nesting deeper than 10000 levels/.test(result.detail));
    });

    it('reads a secret of a megabyte with 20,000 entries', () => {
      const members = Array.from({ length: 20_000 }, (_, k) => `"r${k}.example.com":{"auth":"${b64(`user${k}:pw${k}`)}"}`);
      const entries = entriesOf(parsed(dockerConfigJsonSecret(`{"auths":{${members.join(',')}}}`)));
      assert.equal(entries.length, 20_000);
      assert.deepEqual(findCredentialFor(entries, 'r19999.example.com', 'app'), {
        key: 'r19999.example.com',
        username: 'user19999',
        password: 'pw19999',
      });
    });
  });
});

describe('describeEntries', () => {
  it('lists the keys of a secret, in order', () => {
    assert.deepEqual(describeEntries(entriesOf(parsed(loadSecret('kubectl-dockerhub.json')))), ['https://index.docker.io/v1/']);
    assert.deepEqual(describeEntries([{ key: 'ghcr.io' }, { key: 'https://index.docker.io/v1/' }]), [
      'ghcr.io',
      'https://index.docker.io/v1/',
    ]);
  });

  it('shows hostile keys safely: no userinfo, visible control characters, no backticks, bounded length', () => {
    const described = describeEntries(entriesOf(parsed(loadSecret('hostile/odd-keys.json'))));
    assert.deepEqual(described.slice(0, 4), [
      'HTTPS://ghcr.io',
      '\\u{60}ghcr.io\\u{60}',
      'evil\\u{0}.example.com',
      'ghcr.io\\u{202e}\\u{a}moc.live',
    ]);
    assert.ok(described.includes('https://[redacted]@registry.example.com'));
    const long = described.find((d) => d.startsWith('xxxx'));
    assert.ok(long !== undefined && long.length < 130 && long.endsWith('…(5012 characters)'));
    for (const text of described) assert.doesNotMatch(text, /[\u0000-\u001f`\u202e]/);
  });

  it('shows a lone surrogate as an escape, so the text stays valid Unicode', () => {
    assert.deepEqual(describeEntries([{ key: 'ghcr\ud800.io' }, { key: 'ok\u{1f433}.io' }]), ['ghcr\\u{d800}.io', 'ok\u{1f433}.io']);
  });
});

const codes = (issues: PullSecretIssue[]): Array<[string, string | undefined, boolean]> => issues.map((i) => [i.code, i.key, i.fatal]);

describe('inspectPullSecret: what will not work as its author meant', () => {
  it('finds nothing to say about the secrets kubectl makes', () => {
    for (const file of ['kubectl-dockerhub.json', 'kubectl-ghcr.json', 'kubectl-acr-service-principal.json', 'dockercfg-legacy.json']) {
      const inspection = inspectPullSecret(loadSecret(file));
      assert.ok(inspection.parse.ok, file);
      assert.deepEqual(inspection.issues, [], file);
    }
  });

  it('gives the fatal problem, the same as when the kubelet cannot use the secret', () => {
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
    const inspection = inspectPullSecret(
      dockerConfigJsonSecret(`{"auths":{"ghcr.io":{"auth":"${b64('u:p')}"},"quay.io":{"email":"ops@contoso.example"}}}`),
    );
    assert.ok(inspection.parse.ok);
    assert.deepEqual(codes(inspection.issues), [['entry-without-credentials', 'quay.io', false]]);
  });

  it('flags a username without a password, and says when it came from auth', () => {
    const fromFields = inspectPullSecret(dockerConfigJsonSecret('{"auths":{"ghcr.io":{"username":"bot"}}}')).issues;
    assert.deepEqual(codes(fromFields), [['incomplete-credentials', 'ghcr.io', false]]);
    assert.match(fromFields[0]?.detail ?? '', /a username but an empty password\.$/);
    const fromAuth = inspectPullSecret(dockerConfigJsonSecret(`{"auths":{"ghcr.io":{"auth":"${b64(':only-password')}"}}}`)).issues;
    assert.match(fromAuth[0]?.detail ?? '', /a password but an empty username in its "auth"/);
  });
});

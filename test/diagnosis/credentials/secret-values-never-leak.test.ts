import assert from 'node:assert/strict';
import { describeEntries, inspectPullSecret } from '../../../src/diagnosis/credentials/pull-secret.js';
import { findCredentialFor } from '../../../src/diagnosis/credentials/keyring.js';
import { allSecretFixtures, b64, dockerConfigJsonSecret, loadSecret, type ApiSecret } from '../../support/secret-fixtures.js';

/**
 * Every string the credentials module hands out for humans (parse problem details, inspection issues and their keys,
 * described entries) must be free of secret values: passwords, usernames, auth blobs, identity and registry tokens,
 * the base64 data values, and a password written into a key's userinfo.
 */
const SECRET_FIELD = /^(auth|password|username|identitytoken|registrytoken)$/i;

function secretValuesOf(secret: ApiSecret): string[] {
  const values = new Set<string>();
  const addText = (text: string): void => {
    if (text.length >= 6) values.add(text);
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const userinfo = /^[a-z]+:\/\/[^/@:]*:([^/@]*)@/i.exec(key);
        if (userinfo?.[1]) addText(userinfo[1]);
        if (SECRET_FIELD.test(key) && typeof inner === 'string') {
          addText(inner);
          const decoded = Buffer.from(inner, 'base64').toString('utf8');
          for (const part of decoded.split(':')) addText(part);
          for (const part of inner.split(':')) addText(part);
        }
        walk(inner);
      }
    }
  };
  for (const encoded of Object.values(secret.data ?? {})) {
    addText(encoded);
    for (const text of [
      Buffer.from(encoded, 'base64').toString('utf8'),
      Buffer.from(Buffer.from(encoded, 'base64').toString('utf8'), 'base64').toString('utf8'),
    ]) {
      try {
        walk(JSON.parse(text));
      } catch {
        // not JSON: its values are covered by the raw-text checks below
      }
    }
  }
  return [...values];
}

function humanStrings(secret: ApiSecret): string[] {
  const out: string[] = [];
  const inspection = inspectPullSecret(secret);
  const parsed = inspection.parse;
  if (!parsed.ok) out.push(parsed.problem, parsed.detail);
  else out.push(...describeEntries(parsed.entries));
  for (const issue of inspection.issues) out.push(issue.code, issue.detail, issue.key ?? '');
  return out;
}

function assertNoLeak(secret: ApiSecret, forbidden: string[], label: string): void {
  for (const text of humanStrings(secret)) {
    for (const value of forbidden)
      assert.ok(!text.includes(value), `${label}: a secret value appears in ${JSON.stringify(text.slice(0, 200))}`);
    // Every value in the fixtures is marked "Fixture" or "fixture"; no key, type or data key is.
    assert.doesNotMatch(text, /fixture/i, `${label}: ${text.slice(0, 200)}`);
  }
}

describe('secret values never leak', () => {
  for (const file of allSecretFixtures()) {
    it(`keeps every value of ${file} out of problems, issues and described entries`, () => {
      const secret = loadSecret(file);
      const forbidden = secretValuesOf(secret);
      assert.ok(forbidden.length > 0, 'the fixture holds secret values to look for');
      assertNoLeak(secret, forbidden, file);
    });
  }

  it('keeps the password out of the JSON error wherever the document is cut', () => {
    const config =
      '{"auths":{"ghcr.io":{"username":"leak-check-user","password":"Cut-Anywhere-Fixture-S3cr3t","auth":"' +
      b64('leak-check-user:Cut-Anywhere-Fixture-S3cr3t') +
      '"}}}';
    const forbidden = ['leak-check-user', 'Cut-Anywhere', 'S3cr3t', b64('leak-check-user:Cut-Anywhere-Fixture-S3cr3t').slice(0, 12)];
    for (let cut = 0; cut < config.length; cut++) {
      assertNoLeak(dockerConfigJsonSecret(config.slice(0, cut)), forbidden, `cut at ${cut}`);
      assertNoLeak(dockerConfigJsonSecret(config.slice(0, cut) + 'x' + config.slice(cut)), forbidden, `garbage at ${cut}`);
    }
  });

  it('keeps values out of type errors, whatever field holds the wrong type', () => {
    for (const field of ['username', 'password', 'auth', 'email']) {
      const config = `{"auths":{"ghcr.io":{"password":"TypeErr-Fixture-Pw","${field}":["TypeErr-Fixture-Array"]}}}`;
      assertNoLeak(dockerConfigJsonSecret(config), ['TypeErr-Fixture-Pw', 'TypeErr-Fixture-Array'], field);
    }
  });

  it('keeps a plain-text auth out of the auth problem', () => {
    for (const auth of [
      'Plain-Fixture-User:Plain-Fixture-Pw',
      'Plain-Fixture-Token',
      'Plain Fixture With Spaces',
      b64('Plain-Fixture-NoColon'),
    ]) {
      assertNoLeak(dockerConfigJsonSecret(`{"auths":{"ghcr.io":{"auth":"${auth}"}}}`), [auth, 'Plain-Fixture'], auth);
    }
  });

  it('keeps the data value out of the base64 problem', () => {
    const secret: ApiSecret = {
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': '{"auths":{"ghcr.io":{"password":"RawData-Fixture-Pw"}}}' },
      metadata: { name: 'x', namespace: 'x' },
    };
    assertNoLeak(secret, ['RawData-Fixture-Pw'], 'raw data');
  });

  it("keeps a key's userinfo password out even when the password holds an unescaped @", () => {
    // Go's url.Parse (and so the kubelet) splits userinfo at the last @ before the path: all of "At@Fixture@Pw-42"
    // is the password. Hiding only up to the first @ showed "Fixture@Pw-42".
    for (const key of ['https://pd-bot:At@Fixture@Pw-42@registry.example.com', 'pd-bot:At@Fixture@Pw-42@registry.example.com/v2/']) {
      const secret = dockerConfigJsonSecret(JSON.stringify({ auths: { [key]: { auth: b64('u:p') } } }));
      const texts = humanStrings(secret);
      assert.ok(
        texts.some((t) => t.includes('registry.example.com')),
        JSON.stringify(texts),
      );
      assertNoLeak(secret, ['Fixture@Pw', 'Pw-42'], key);
    }
  });

  it('returns the credential itself only from findCredentialFor, which is meant to', () => {
    const parsed = inspectPullSecret(loadSecret('kubectl-ghcr.json')).parse;
    assert.ok(parsed.ok);
    assert.equal(findCredentialFor(parsed.entries, 'ghcr.io', 'contoso/web')?.password, 'fixture-ghcr-pat-7f3a9c1e5d');
    assert.deepEqual(describeEntries(parsed.entries), ['ghcr.io']);
  });
});

import assert from 'node:assert/strict';
import {
  isDefaultRegistryMatch,
  keyringKeyFor,
  keyringKeyMatches,
  lookupInKeyring,
  parseGoUrl,
  splitGoHostPort,
  goFilepathMatch,
  findCredentialFor,
} from '../../../src/diagnosis/credentials/keyring.js';
import { inspectPullSecret, type PullSecretParse } from '../../../src/diagnosis/credentials/pull-secret.js';
import type { DockerConfigEntry } from '../../../src/diagnosis/credentials/docker-config.js';
import { parseImageReference } from '../../../src/diagnosis/image/image-reference.js';
import { loadSecret } from '../../support/secret-fixtures.js';

/** Looks `image` up in a keyring made of `keys`, like `BasicDockerKeyring.Add` then `Lookup`; returns matched keys. */
const lookup = (keys: string[], image: string): string[] => lookupInKeyring(keys, (k) => k, image);

/**
 * The tables of kubernetes/kubernetes pkg/credentialprovider/keyring_test.go:
 * TestURLsMatch, TestDockerKeyringForGlob, TestKeyringMiss, TestKeyringMissWithDockerHubCredentials,
 * TestKeyringHitWithUnqualifiedDockerHub, TestKeyringHitWithUnqualifiedLibraryDockerHub,
 * TestKeyringHitWithQualifiedDockerHub and TestIsDefaultRegistryMatch.
 */
const URLS_MATCH: Array<[glob: string, target: string, match: boolean]> = [
  ['*.kubernetes.io', 'prefix.kubernetes.io', true],
  ['prefix.*.io', 'prefix.kubernetes.io', true],
  ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
  ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
  ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
  ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
  ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
  ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
  ['*.kubernetes.io', 'kubernetes.io', false],
  ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
  ['*.*.kubernetes.io', 'kubernetes.io', false],
  ['kubernetes.io', 'kubernetes.com', false],
  ['k*.io', 'quay.io', false],
  ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
  ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
];

const KEYRING_FOR_GLOB: Array<[configKey: string, target: string]> = [
  ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
  ['https://*.docker.io', 'prefix.docker.io'],
  ['https://prefix.*.io', 'prefix.docker.io'],
  ['https://prefix.docker.*', 'prefix.docker.io'],
  ['https://*.docker.io/path', 'prefix.docker.io/path'],
  ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
  ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
  ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
  ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
  ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
  ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
  ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
  ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
  ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
  ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
  ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
];

const KEYRING_MISS: Array<[configKey: string, image: string]> = [
  ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
  ['https://*.docker.com', 'prefix.docker.io'],
  ['https://suffix.*.io', 'prefix.docker.io'],
  ['https://prefix.docker.c*', 'prefix.docker.io'],
  ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
  ['suffix.*.io', 'prefix.docker.io'],
];

const DEFAULT_REGISTRY_MATCH: Array<[image: string, match: boolean]> = [
  ['foo/bar', true],
  ['docker.io/foo/bar', true],
  ['index.docker.io/foo/bar', true],
  ['foo', true],
  ['', false],
  ['registry.tld/foo/bar', false],
  ['registry:5000/foo/bar', false],
  ['myhostdocker.io/foo/bar', false],
];

describe('kubelet keyring matching', () => {
  describe('URLsMatch (keyring_test.go TestURLsMatch)', () => {
    for (const [glob, target, match] of URLS_MATCH) {
      it(`${match ? 'matches' : 'does not match'} ${target} with ${glob}`, () => assert.equal(keyringKeyMatches(glob, target), match));
    }
  });

  describe('Add and Lookup (TestDockerKeyringForGlob)', () => {
    for (const [configKey, target] of KEYRING_FOR_GLOB) {
      it(`finds the entry ${configKey} for ${target}/foo/bar`, () =>
        assert.deepEqual(lookup([configKey], `${target}/foo/bar`), [configKey]));
    }
  });

  describe('misses (TestKeyringMiss)', () => {
    for (const [configKey, image] of KEYRING_MISS) {
      it(`finds nothing for ${image}/foo/bar with the entry ${configKey}`, () =>
        assert.deepEqual(lookup([configKey], `${image}/foo/bar`), []));
    }
  });

  describe('Docker Hub credentials (TestKeyring*DockerHub*)', () => {
    const hub = 'https://index.docker.io/v1/';
    it('does not use them for another registry', () => assert.deepEqual(lookup([hub], 'world.mesos.org/foo/bar'), []));
    it('uses them for an unqualified image', () => assert.deepEqual(lookup([hub], 'google/docker-registry'), [hub]));
    it('uses them for an unqualified library image', () => assert.deepEqual(lookup([hub], 'jenkins'), [hub]));
    it('uses them for a qualified image', () => assert.deepEqual(lookup([hub], 'index.docker.io/v1//google/docker-registry'), [hub]));
  });

  describe('isDefaultRegistryMatch (TestIsDefaultRegistryMatch)', () => {
    for (const [image, match] of DEFAULT_REGISTRY_MATCH) {
      it(`says ${JSON.stringify(image)} is ${match ? '' : 'not '}on Docker Hub`, () => assert.equal(isDefaultRegistryMatch(image), match));
    }
  });

  describe('keyring keys (BasicDockerKeyring.Add)', () => {
    const KEYS: Array<[configKey: string, keyringKey: string | undefined]> = [
      ['https://index.docker.io/v1/', 'index.docker.io'],
      ['index.docker.io/v1/', 'index.docker.io'],
      ['https://index.docker.io/v2/', 'index.docker.io'],
      ['http://index.docker.io', 'index.docker.io'],
      ['docker.io', 'docker.io'],
      ['quay.io/contoso', 'quay.io/contoso'],
      ['https://quay.io/v1/contoso', 'quay.io/contoso'],
      ['https://user:password@registry.example.com/v2/', 'registry.example.com'],
      ['[fd00::5]:5000', '[fd00::5]:5000'],
      ['HTTPS://ghcr.io', 'HTTPS://ghcr.io'],
      ['ghcr.io?tenant=x', 'ghcr.io'],
      ['ho st.example.com', undefined],
      ['host:port', undefined],
      ['evil\u0000.example.com', undefined],
    ];
    for (const [configKey, keyringKey] of KEYS) {
      it(`files ${JSON.stringify(configKey)} under ${JSON.stringify(keyringKey ?? 'nothing: it is dropped')}`, () => {
        assert.equal(keyringKeyFor(configKey), keyringKey);
      });
    }
  });

  describe('order', () => {
    it('tries the more specific key first (reverse sorted), then the others that match', () => {
      const keys = ['quay.io', 'quay.io/contoso', 'quay.io/contoso/team'];
      assert.deepEqual(lookup(keys, 'quay.io/contoso/team/app'), ['quay.io/contoso/team', 'quay.io/contoso', 'quay.io']);
    });

    it('sorts by UTF-8 bytes as Go does, not by UTF-16 code units', () => {
      // Both keys match; they first differ at U+FF5E (UTF-8 EF BD 9E) against U+1F433 (F0 9F 90 B3, UTF-16 D83D DC33).
      // Go's reverse byte order tries the whale class first (checked against Go 1.19); a UTF-16 sort would not.
      const keys = ['a[\uff5e\u{1f433}].io', 'a[\u{1f433}].io'];
      assert.deepEqual(lookup(keys, 'a\u{1f433}.io/x'), ['a[\u{1f433}].io', 'a[\uff5e\u{1f433}].io']);
      assert.notDeepEqual([...keys].sort().reverse(), lookup(keys, 'a\u{1f433}.io/x'));
    });

    it('uses the Docker Hub fallback only when no key matched', () => {
      assert.deepEqual(lookup(['index.docker.io', 'docker.io'], 'docker.io/library/nginx'), ['docker.io']);
      assert.deepEqual(lookup(['index.docker.io'], 'docker.io/library/nginx'), ['index.docker.io']);
    });

    it('keeps entries that share a keyring key in the given order', () => {
      const entries = [
        { key: 'https://index.docker.io/v1/', n: 1 },
        { key: 'index.docker.io', n: 2 },
      ];
      assert.deepEqual(
        lookupInKeyring(entries, (e) => e.key, 'docker.io/library/nginx').map((e) => e.n),
        [1, 2],
      );
    });
  });
});

// Expected values printed by Go 1.19 net/url `url.Parse` (host and path, or null for an error).
const URL_PARSE: Array<[raw: string, expected: { host: string; path: string } | null]> = [
  ['https://ghcr.io', { host: 'ghcr.io', path: '' }],
  ['https://index.docker.io/v1/', { host: 'index.docker.io', path: '/v1/' }],
  ['https://user:pass@host:5000/p', { host: 'host:5000', path: '/p' }],
  ['https://[::1]:5000/x', { host: '[::1]:5000', path: '/x' }],
  ['https://[::1]/x', { host: '[::1]', path: '/x' }],
  ['https://host:abc', null],
  ['https://host:', { host: 'host:', path: '' }],
  ['https://ho st', null],
  ['https://h%41st', null],
  ['https://h%c3%a9st', { host: 'hést', path: '' }],
  ['https://host/a%2Fb', { host: 'host', path: '/a/b' }],
  ['https://host/%zz', null],
  ['https://host?x=1', { host: 'host', path: '' }],
  ['https://host/p?x=%zz', { host: 'host', path: '/p' }],
  ['https://host#frag', { host: 'host', path: '' }],
  ['https://host#%zz', null],
  ['https://evil\u0000.com', null],
  ['https://us er@host', null],
  ['https://HTTPS://ghcr.io', { host: 'HTTPS:', path: '//ghcr.io' }],
  ['https://[::1', null],
  ['https://[::1]x', null],
  ['https://', { host: '', path: '' }],
  ['https://host/a b', { host: 'host', path: '/a b' }],
  ['https://*.azurecr.io', { host: '*.azurecr.io', path: '' }],
  ['https://[a-z]cr.io', null],
  ['https://h%25st', { host: 'h%st', path: '' }],
  ['http://localhost:5000/v2/', { host: 'localhost:5000', path: '/v2/' }],
  ['https://a@b@c/d', { host: 'c', path: '/d' }],
  ['https://host/p\u007f', null],
];

// Expected values printed by Go 1.19 net `SplitHostPort` (or null for an error).
const SPLIT_HOST_PORT: Array<[hostport: string, expected: { host: string; port: string } | null]> = [
  ['ghcr.io', null],
  ['ghcr.io:443', { host: 'ghcr.io', port: '443' }],
  ['[::1]:5000', { host: '::1', port: '5000' }],
  ['[::1]', null],
  ['::1', null],
  ['host:', { host: 'host', port: '' }],
  ['a:b:c', null],
  ['[::1]:', { host: '::1', port: '' }],
  ['[a]b:1', null],
  ['x]:1', null],
  ['[x:1', null],
  ['[::1]:5000:1', null],
  [':80', { host: '', port: '80' }],
  ['', null],
];

describe('parseGoUrl', () => {
  for (const [raw, expected] of URL_PARSE) {
    it(`${expected ? 'parses' : 'refuses'} ${JSON.stringify(raw)} like Go's url.Parse`, () => {
      assert.deepEqual(parseGoUrl(raw) ?? null, expected);
    });
  }
});

describe('splitGoHostPort', () => {
  for (const [hostport, expected] of SPLIT_HOST_PORT) {
    it(`${expected ? 'splits' : 'refuses'} ${JSON.stringify(hostport)} like Go's net.SplitHostPort`, () => {
      assert.deepEqual(splitGoHostPort(hostport) ?? null, expected);
    });
  }
});

/**
 * Go's own table for path/filepath.Match (src/path/filepath/match_test.go, `matchTests`, Go 1.19). Rows where Go
 * returns ErrBadPattern expect `false`: the kubelet's URLsMatch treats a bad pattern as no match.
 */
const MATCH_TESTS: Array<[pattern: string, name: string, match: boolean, badPattern?: true]> = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['a[', 'x', false, true],
  ['a/b[', 'x', false, true],
  ['*x', 'xxx', true],
];

describe('goFilepathMatch', () => {
  for (const [pattern, name, match, bad] of MATCH_TESTS) {
    it(`${match ? 'matches' : 'does not match'} ${JSON.stringify(name)} with ${JSON.stringify(pattern)}${bad ? ' (a bad pattern)' : ''}`, () => {
      assert.equal(goFilepathMatch(pattern, name), match);
    });
  }

  it('matches the host parts people write in docker config keys', () => {
    assert.equal(goFilepathMatch('*', 'contosoacr'), true);
    assert.equal(goFilepathMatch('prefix-*', 'prefix-west'), true);
    assert.equal(goFilepathMatch('*', ''), true);
    assert.equal(goFilepathMatch('azurecr', 'AzureCR'), false);
  });

  it('treats regular-expression characters as plain text', () => {
    assert.equal(goFilepathMatch('a.b', 'a.b'), true);
    assert.equal(goFilepathMatch('a.b', 'axb'), false);
    assert.equal(goFilepathMatch('(x|y)+', '(x|y)+'), true);
    assert.equal(goFilepathMatch('$^', '$^'), true);
  });

  it('never matches with a reversed range, as Go does', () => {
    assert.equal(goFilepathMatch('[z-a]', 'm'), false);
    assert.equal(goFilepathMatch('[^z-a]', 'm'), true);
  });
});

function entriesOf(result: PullSecretParse): DockerConfigEntry[] {
  assert.ok(result.ok, `expected a readable secret, got ${JSON.stringify(result)}`);
  return result.entries;
}

describe('findCredentialFor', () => {
  const hubEntry = (key: string): DockerConfigEntry[] => [{ key, username: 'u', password: 'p' }];

  it('finds Docker Hub credentials under every key the kubelet accepts for docker.io images', () => {
    for (const key of [
      'https://index.docker.io/v1/',
      'index.docker.io',
      'index.docker.io/v1/',
      'https://index.docker.io/v2/',
      'http://index.docker.io',
      'docker.io',
      'https://docker.io',
    ]) {
      assert.equal(findCredentialFor(hubEntry(key), 'docker.io', 'library/nginx')?.key, key, key);
    }
  });

  it('never uses Docker Hub look-alike keys for docker.io images, as the kubelet never does (keyring.go)', () => {
    for (const key of [
      'registry-1.docker.io',
      'https://registry-1.docker.io/v2/',
      'registry.hub.docker.com',
      'hub.docker.com',
      '*.docker.io',
      'docker.io:443',
    ]) {
      assert.equal(findCredentialFor(hubEntry(key), 'docker.io', 'library/nginx'), undefined, key);
    }
  });

  it('picks the entry the kubelet would try first in a multi-registry secret', () => {
    const entries = entriesOf(inspectPullSecret(loadSecret('multi-registry.json')).parse);
    const keyFor = (registry: string, repository: string): string | undefined => findCredentialFor(entries, registry, repository)?.key;
    assert.equal(keyFor('docker.io', 'library/nginx'), 'https://index.docker.io/v1/');
    assert.equal(keyFor('docker.io', 'contoso/api'), 'https://index.docker.io/v1/');
    assert.equal(keyFor('contosoacr.azurecr.io', 'shop/web'), '*.azurecr.io');
    assert.equal(keyFor('contosoacr.westeurope.data.azurecr.io', 'shop/web'), undefined);
    assert.equal(keyFor('contosoacr.azurecr.io:443', 'shop/web'), undefined);
    assert.equal(keyFor('quay.io', 'contoso/app'), 'quay.io/contoso');
    assert.equal(keyFor('quay.io', 'other/app'), 'quay.io');
    assert.equal(keyFor('localhost:5000', 'app'), 'localhost:5000');
    assert.equal(keyFor('[fd00::5]:5000', 'app'), '[fd00::5]:5000');
    assert.equal(keyFor('registry-1.docker.io', 'library/nginx'), 'registry-1.docker.io');
    assert.equal(keyFor('ghcr.io', 'contoso/web'), 'ghcr.io');
    assert.equal(keyFor('mcr.microsoft.com', 'dotnet/aspnet'), undefined);
  });

  it('sends Docker Hub credentials to a bare localhost registry, as the kubelet does', () => {
    // isDefaultRegistryMatch: a first path element without "." or ":" counts as Docker Hub.
    const entries = entriesOf(inspectPullSecret(loadSecret('kubectl-dockerhub.json')).parse);
    assert.equal(findCredentialFor(entries, 'localhost', 'app')?.key, 'https://index.docker.io/v1/');
  });

  it('works on what parseImageReference returns', () => {
    const entries = entriesOf(inspectPullSecret(loadSecret('kubectl-dockerhub.json')).parse);
    for (const image of ['nginx', 'nginx:1.27', 'docker.io/library/nginx', 'index.docker.io/contoso/api:2']) {
      const parsed = parseImageReference(image);
      assert.ok(parsed.ok);
      assert.equal(findCredentialFor(entries, parsed.ref.registry, parsed.ref.repository)?.username, 'contosoci', image);
    }
    const ghcr = parseImageReference('ghcr.io/contoso/web:1');
    assert.ok(ghcr.ok);
    assert.equal(findCredentialFor(entries, ghcr.ref.registry, ghcr.ref.repository), undefined);
  });

  it('skips keys the kubelet cannot parse', () => {
    assert.equal(findCredentialFor([{ key: 'ghcr.io:port', username: 'u', password: 'p' }], 'ghcr.io', 'a/b'), undefined);
    assert.equal(findCredentialFor([{ key: 'ghcr .io', username: 'u', password: 'p' }], 'ghcr .io', 'a/b'), undefined);
  });

  it('finds nothing in no entries', () => {
    assert.equal(findCredentialFor([], 'docker.io', 'library/nginx'), undefined);
  });
});

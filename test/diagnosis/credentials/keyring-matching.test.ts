import assert from 'node:assert/strict';
import {
  isDefaultRegistryMatch,
  keyringKeyFor,
  keyringKeyMatches,
  lookupInKeyring,
} from '../../../src/diagnosis/credentials/keyring-matching.js';

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
      it(`finds the entry ${configKey} for ${target}/foo/bar`, () => assert.deepEqual(lookup([configKey], `${target}/foo/bar`), [configKey]));
    }
  });

  describe('misses (TestKeyringMiss)', () => {
    for (const [configKey, image] of KEYRING_MISS) {
      it(`finds nothing for ${image}/foo/bar with the entry ${configKey}`, () => assert.deepEqual(lookup([configKey], `${image}/foo/bar`), []));
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

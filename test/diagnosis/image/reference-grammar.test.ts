import assert from 'node:assert/strict';
import { isRepositoryPath, isTagOrDigest, parseReferenceSyntax } from '../../../src/diagnosis/image/reference-grammar.js';

/**
 * `TestReferenceParse` and `TestSerialization` of github.com/distribution/reference v0.6.0, reference_test.go
 * (https://github.com/distribution/reference/blob/v0.6.0/reference_test.go), row for row. `name` is what Go's
 * `Named.Name()` returns (domain + "/" + path); error rows carry the Go error's text.
 */
const F64 = 'f'.repeat(64);
const F128 = 'f'.repeat(128);

type Row = [input: string, expected: string | { name: string; domain?: string; tag?: string; digest?: string }];

const TEST_REFERENCE_PARSE: Row[] = [
  ['test_com', { name: 'test_com' }],
  ['test.com:tag', { name: 'test.com', tag: 'tag' }],
  ['test.com:5000', { name: 'test.com', tag: '5000' }],
  ['test.com/repo:tag', { name: 'test.com/repo', domain: 'test.com', tag: 'tag' }],
  ['test:5000/repo', { name: 'test:5000/repo', domain: 'test:5000' }],
  ['test:5000/repo:tag', { name: 'test:5000/repo', domain: 'test:5000', tag: 'tag' }],
  [`test:5000/repo@sha256:${F64}`, { name: 'test:5000/repo', domain: 'test:5000', digest: `sha256:${F64}` }],
  [`test:5000/repo:tag@sha256:${F64}`, { name: 'test:5000/repo', domain: 'test:5000', tag: 'tag', digest: `sha256:${F64}` }],
  ['', 'repository name must have at least one component'],
  [':justtag', 'invalid reference format'],
  [`@sha256:${F64}`, 'invalid reference format'],
  // digest.ErrDigestInvalidLength of go-digest v1.0.0, the release the runtimes pin.
  ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'invalid checksum digest length'],
  [`validname@invaliddigest:${F64}`, 'unsupported digest algorithm'],
  ['Uppercase:tag', 'repository name must be lowercase'],
  ['test:5000/Uppercase/lowercase:tag', 'repository name must be lowercase'],
  ['lowercase:Uppercase', { name: 'lowercase', tag: 'Uppercase' }],
  [`domain/${'a'.repeat(256)}:tag`, 'repository name must not be more than 255 characters'],
  [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, { name: `${'a/'.repeat(127)}a`, domain: 'a', tag: 'tag-puts-this-over-max' }],
  ['aa/asdf$$^/aa', 'invalid reference format'],
  ['sub-dom1.foo.com/bar/baz/quux', { name: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com' }],
  [
    'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    { name: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', tag: 'some-long-tag' },
  ],
  [
    'b.gcr.io/test.example.com/my-app:test.example.com',
    { name: 'b.gcr.io/test.example.com/my-app', domain: 'b.gcr.io', tag: 'test.example.com' },
  ],
  ['xn--n3h.com/myimage:xn--n3h.com', { name: 'xn--n3h.com/myimage', domain: 'xn--n3h.com', tag: 'xn--n3h.com' }],
  [
    `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${F128}`,
    { name: 'xn--7o8h.com/myimage', domain: 'xn--7o8h.com', tag: 'xn--7o8h.com', digest: `sha512:${F128}` },
  ],
  ['foo_bar.com:8080', { name: 'foo_bar.com', tag: '8080' }],
  ['foo/foo_bar.com:8080', { name: 'foo/foo_bar.com', domain: 'foo', tag: '8080' }],
  ['192.168.1.1', { name: '192.168.1.1' }],
  ['192.168.1.1:tag', { name: '192.168.1.1', tag: 'tag' }],
  ['192.168.1.1:5000', { name: '192.168.1.1', tag: '5000' }],
  ['192.168.1.1/repo', { name: '192.168.1.1/repo', domain: '192.168.1.1' }],
  ['192.168.1.1:5000/repo', { name: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000' }],
  ['192.168.1.1:5000/repo:5050', { name: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', tag: '5050' }],
  ['[2001:db8::1]', 'invalid reference format'],
  ['[2001:db8::1]:5000', 'invalid reference format'],
  ['[2001:db8::1]:tag', 'invalid reference format'],
  ['[2001:db8::1]/repo', { name: '[2001:db8::1]/repo', domain: '[2001:db8::1]' }],
  ['[2001:db8:1:2:3:4:5:6]/repo:tag', { name: '[2001:db8:1:2:3:4:5:6]/repo', domain: '[2001:db8:1:2:3:4:5:6]', tag: 'tag' }],
  ['[2001:db8::1]:5000/repo', { name: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000' }],
  ['[2001:db8::1]:5000/repo:tag', { name: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', tag: 'tag' }],
  [`[2001:db8::1]:5000/repo@sha256:${F64}`, { name: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', digest: `sha256:${F64}` }],
  [
    `[2001:db8::1]:5000/repo:tag@sha256:${F64}`,
    { name: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', tag: 'tag', digest: `sha256:${F64}` },
  ],
  ['[2001:db8::]:5000/repo', { name: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000' }],
  ['[::1]:5000/repo', { name: '[::1]:5000/repo', domain: '[::1]:5000' }],
  ['[fe80::1%eth0]:5000/repo', 'invalid reference format'],
  ['[fe80::1%@invalidzone]:5000/repo', 'invalid reference format'],
  // Since v0.6.0 the limit applies to the path only (distribution/reference#9).
  [`example.com/${'a'.repeat(255)}:tag`, { name: `example.com/${'a'.repeat(255)}`, domain: 'example.com', tag: 'tag' }],
  // TestSerialization
  ['example.com:8000/named', { name: 'example.com:8000/named', domain: 'example.com:8000' }],
  ['example.com:8000/named:tagged', { name: 'example.com:8000/named', domain: 'example.com:8000', tag: 'tagged' }],
  [
    'other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112',
    {
      name: 'other.com/named',
      domain: 'other.com',
      digest: 'sha256:1234567890098765432112345667890098765432112345667890098765432112',
    },
  ],
];

describe('parseReferenceSyntax (distribution/reference Parse)', () => {
  for (const [input, expected] of TEST_REFERENCE_PARSE) {
    const label = input.length > 60 ? `${input.slice(0, 57)}...` : input;
    if (typeof expected === 'string') {
      it(`rejects ${JSON.stringify(label)} with "${expected}"`, () => {
        assert.deepEqual(parseReferenceSyntax(input), { ok: false, reason: expected });
      });
    } else {
      it(`parses ${JSON.stringify(label)} like the Go library`, () => {
        const result = parseReferenceSyntax(input);
        assert.ok(result.ok, `expected ${input} to parse, got ${JSON.stringify(result)}`);
        const { domain, path, tag, digest } = result.ref;
        assert.equal(domain === '' ? path : `${domain}/${path}`, expected.name);
        assert.equal(domain, expected.domain ?? '');
        assert.equal(tag, expected.tag);
        assert.equal(digest, expected.digest);
      });
    }
  }
});

describe('the parts of a reference that go into a registry URL (isRepositoryPath, isTagOrDigest)', () => {
  it('accepts the repository paths and tags of real images', () => {
    for (const path of ['library/nginx', 'shop/web', 'team-a/api_v2/worker', 'a.b/c__d']) assert.equal(isRepositoryPath(path), true, path);
    for (const reference of ['latest', '1.27-alpine', 'v2.4.1', 'A_B.c-d', 'x'.repeat(128)])
      assert.equal(isTagOrDigest(reference), true, reference);
  });

  it('accepts a digest only when go-digest does: sha256, sha384 or sha512 with the right length of lowercase hex', () => {
    assert.equal(isTagOrDigest(`sha256:${'a'.repeat(64)}`), true);
    assert.equal(isTagOrDigest(`sha512:${'0'.repeat(128)}`), true);
    assert.equal(isTagOrDigest(`sha256:${'A'.repeat(64)}`), false);
    assert.equal(isTagOrDigest(`sha256:${'a'.repeat(63)}`), false);
    assert.equal(isTagOrDigest(`md5:${'a'.repeat(32)}`), false);
  });

  it('refuses what could walk out of the manifest URL or was never a name', () => {
    for (const path of ['../../v2/_catalog', 'Shop/Web', 'shop//web', '/shop/web', 'shop/web/', '', `a/${'b'.repeat(254)}`]) {
      assert.equal(isRepositoryPath(path), false, path);
    }
    for (const reference of ['../x', 'latest?x=1', '-bad', '', 'x'.repeat(129), 'tag with space'])
      assert.equal(isTagOrDigest(reference), false, reference);
  });
});

import assert from 'node:assert/strict';
import {
  parseImageReference,
  type ImageReference,
  isAzureContainerRegistry,
  registryApiHost,
} from '../../../src/diagnosis/image/image-reference.js';

const LOWERCASE = (remote: string): string => `invalid reference format: repository name (${remote}) must be lowercase`;
const INVALID = 'invalid reference format';
const HEX64 = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';
const DIGEST = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

type Expected = Partial<Omit<ImageReference, 'original'>> | string | true;
type Row = [input: string, expected: Expected];

/**
 * From github.com/distribution/reference v0.6.0, normalize_test.go
 * (https://github.com/distribution/reference/blob/v0.6.0/normalize_test.go): `TestValidateReferenceName`,
 * `TestValidateRemoteName`, `TestParseRepositoryInfo`, `TestParseReferenceWithTagAndDigest`,
 * `TestParseAnyReference` (named cases) and `TestNormalizedSplitHostname`. The Go tests assert only valid/invalid
 * for the first two; the exact error texts here follow normalize.go and reference.go. Where Go keeps an uppercase
 * domain (`Foo/bar`), `registry` is lowercased, as ImageReference documents.
 */
const NORMALIZE_TEST_ROWS: Row[] = [
  // TestValidateReferenceName — valid
  ['docker/docker', { registry: 'docker.io', repository: 'docker/docker' }],
  ['library/debian', { registry: 'docker.io', repository: 'library/debian' }],
  ['debian', { registry: 'docker.io', repository: 'library/debian', canonical: 'docker.io/library/debian:latest' }],
  ['docker.io/docker/docker', { registry: 'docker.io', repository: 'docker/docker' }],
  ['docker.io/library/debian', { registry: 'docker.io', repository: 'library/debian' }],
  ['docker.io/debian', { registry: 'docker.io', repository: 'library/debian' }],
  ['index.docker.io/docker/docker', { registry: 'docker.io', repository: 'docker/docker' }],
  ['index.docker.io/library/debian', { registry: 'docker.io', repository: 'library/debian' }],
  ['index.docker.io/debian', { registry: 'docker.io', repository: 'library/debian' }],
  ['127.0.0.1:5000/docker/docker', { registry: '127.0.0.1:5000', repository: 'docker/docker', isDockerHub: false }],
  ['127.0.0.1:5000/library/debian', { registry: '127.0.0.1:5000', repository: 'library/debian' }],
  ['127.0.0.1:5000/debian', { registry: '127.0.0.1:5000', repository: 'debian' }],
  ['192.168.0.1', { registry: 'docker.io', repository: 'library/192.168.0.1' }],
  ['192.168.0.1:80', { registry: 'docker.io', repository: 'library/192.168.0.1', tag: '80' }],
  ['192.168.0.1:8/debian', { registry: '192.168.0.1:8', repository: 'debian' }],
  ['192.168.0.2:25000/debian', { registry: '192.168.0.2:25000', repository: 'debian' }],
  [
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    { repository: 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev' },
  ],
  ['[fc00::1]:5000/docker', { registry: '[fc00::1]:5000', repository: 'docker' }],
  ['[fc00::1]:5000/docker/docker', { registry: '[fc00::1]:5000', repository: 'docker/docker' }],
  ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', { registry: '[fc00:1:2:3:4:5:6:7]:5000', repository: 'library/debian' }],
  [`docker.io/${HEX64}`, { registry: 'docker.io', repository: `library/${HEX64}` }],
  ['Docker/docker', { registry: 'docker', repository: 'docker', isDockerHub: false }],
  ['DOCKER/docker', { registry: 'docker', repository: 'docker' }],
  // TestValidateReferenceName — invalid
  ['https://github.com/docker/docker', INVALID],
  ['docker/Docker', LOWERCASE('docker/Docker')],
  ['-docker', INVALID],
  ['-docker/docker', INVALID],
  ['-docker.io/docker/docker', INVALID],
  ['docker///docker', INVALID],
  ['docker.io/docker/Docker', LOWERCASE('docker/Docker')],
  ['docker.io/docker///docker', INVALID],
  ['[fc00::1]', INVALID],
  ['[fc00::1]:5000', INVALID],
  ['fc00::1:5000/debian', INVALID],
  ['[fe80::1%eth0]:5000/debian', INVALID],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', INVALID],
  [HEX64, `invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`],
  // TestValidateRemoteName — valid
  ['docker-rules/docker', { repository: 'docker-rules/docker' }],
  ['docker---rules/docker', { repository: 'docker---rules/docker' }],
  ['doc/docker', { repository: 'doc/docker' }],
  ['d/docker', { repository: 'd/docker' }],
  ['jess/t', { repository: 'jess/t' }],
  ['dock__er/docker', { repository: 'dock__er/docker' }],
  // TestValidateRemoteName — invalid
  ['docker-/docker', INVALID],
  ['-docker-/docker', INVALID],
  ['____/____', INVALID],
  ['_docker/_docker', INVALID],
  ['dock..er/docker', INVALID],
  ['dock_.er/docker', INVALID],
  ['dock-.er/docker', INVALID],
  ['docker/', INVALID],
  [
    `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(3)}this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker`,
    'repository name must not be more than 255 characters',
  ],
  // TestParseRepositoryInfo: familiar, full and ambiguous spellings of one repository
  ['fooo/bar', { registry: 'docker.io', repository: 'fooo/bar' }],
  ['docker.io/fooo/bar', { registry: 'docker.io', repository: 'fooo/bar' }],
  ['index.docker.io/fooo/bar', { registry: 'docker.io', repository: 'fooo/bar' }],
  ['ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
  ['docker.io/library/ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
  ['nonlibrary/ubuntu', { registry: 'docker.io', repository: 'nonlibrary/ubuntu' }],
  ['other/library', { registry: 'docker.io', repository: 'other/library' }],
  ['127.0.0.1:8000/private/moonbase', { registry: '127.0.0.1:8000', repository: 'private/moonbase' }],
  ['127.0.0.1:8000/privatebase', { registry: '127.0.0.1:8000', repository: 'privatebase' }],
  ['example.com/private/moonbase', { registry: 'example.com', repository: 'private/moonbase' }],
  ['example.com/privatebase', { registry: 'example.com', repository: 'privatebase' }],
  ['example.com:8000/private/moonbase', { registry: 'example.com:8000', repository: 'private/moonbase' }],
  ['example.com:8000/privatebasee', { registry: 'example.com:8000', repository: 'privatebasee' }],
  ['ubuntu-12.04-base', { registry: 'docker.io', repository: 'library/ubuntu-12.04-base' }],
  ['index.docker.io/library/ubuntu-12.04-base', { registry: 'docker.io', repository: 'library/ubuntu-12.04-base' }],
  ['foo', { registry: 'docker.io', repository: 'library/foo' }],
  ['docker.io/foo', { registry: 'docker.io', repository: 'library/foo' }],
  ['library/foo/bar', { registry: 'docker.io', repository: 'library/foo/bar' }],
  ['store/foo/bar', { registry: 'docker.io', repository: 'store/foo/bar' }],
  ['Foo/bar', { registry: 'foo', repository: 'bar' }],
  ['FOO/bar', { registry: 'foo', repository: 'bar' }],
  // TestParseReferenceWithTagAndDigest: both are kept; the digest is what a pull asks for
  [
    'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
    {
      repository: 'library/busybox',
      tag: 'latest',
      digest: 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
      reference: 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
      canonical: 'docker.io/library/busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
    },
  ],
  // TestParseAnyReference (named references)
  ['redis', { canonical: 'docker.io/library/redis:latest', reference: 'latest' }],
  ['redis:latest', { canonical: 'docker.io/library/redis:latest', tag: 'latest' }],
  ['docker.io/library/redis:latest', { canonical: 'docker.io/library/redis:latest' }],
  [`redis@${DIGEST}`, { canonical: `docker.io/library/redis@${DIGEST}`, digest: DIGEST, reference: DIGEST }],
  [`docker.io/library/redis@${DIGEST}`, { canonical: `docker.io/library/redis@${DIGEST}` }],
  ['dmcgowan/myapp', { canonical: 'docker.io/dmcgowan/myapp:latest' }],
  ['dmcgowan/myapp:latest', { canonical: 'docker.io/dmcgowan/myapp:latest' }],
  ['docker.io/mcgowan/myapp:latest', { canonical: 'docker.io/mcgowan/myapp:latest' }],
  [`dmcgowan/myapp@${DIGEST}`, { canonical: `docker.io/dmcgowan/myapp@${DIGEST}` }],
  [`docker.io/dmcgowan/myapp@${DIGEST}`, { canonical: `docker.io/dmcgowan/myapp@${DIGEST}` }],
  [
    'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9',
    { canonical: 'docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9:latest' },
  ],
  ['dbcc1', { canonical: 'docker.io/library/dbcc1:latest' }],
  // TestNormalizedSplitHostname
  ['test.com/foo', { registry: 'test.com', repository: 'foo' }],
  ['test_com/foo', { registry: 'docker.io', repository: 'test_com/foo' }],
  ['docker/migrator', { registry: 'docker.io', repository: 'docker/migrator' }],
  ['test.com:8080/foo', { registry: 'test.com:8080', repository: 'foo' }],
  ['test-com:8080/foo', { registry: 'test-com:8080', repository: 'foo' }],
  ['xn--n3h.com/foo', { registry: 'xn--n3h.com', repository: 'foo' }],
  ['xn--n3h.com:18080/foo', { registry: 'xn--n3h.com:18080', repository: 'foo' }],
  ['docker.io/library/foo/bar', { registry: 'docker.io', repository: 'library/foo/bar' }],
];

/** What on-call engineers actually see in pod specs. */
const REAL_WORLD_ROWS: Row[] = [
  // Azure Container Registry, all clouds
  ['myregistry.azurecr.io/shop/web:1.4.2', { registry: 'myregistry.azurecr.io', repository: 'shop/web', tag: '1.4.2', isDockerHub: false }],
  ['MyRegistry.AzureCR.io/shop/web:1.4.2', { registry: 'myregistry.azurecr.io', repository: 'shop/web' }],
  ['contoso.azurecr.cn/payments/api@' + DIGEST, { registry: 'contoso.azurecr.cn', reference: DIGEST }],
  ['gov.azurecr.us/app', { registry: 'gov.azurecr.us', canonical: 'gov.azurecr.us/app:latest' }],
  ['myregistry.azurecr.io/Shop/web:1', LOWERCASE('Shop/web')],
  // Microsoft Container Registry
  ['mcr.microsoft.com/dotnet/aspnet:8.0', { registry: 'mcr.microsoft.com', repository: 'dotnet/aspnet', tag: '8.0' }],
  ['mcr.microsoft.com/oss/kubernetes/pause:3.6', { repository: 'oss/kubernetes/pause' }],
  // GitHub Container Registry: owners are often written with capitals, which the runtime refuses
  ['ghcr.io/contoso/web:sha-0b293ab', { registry: 'ghcr.io', repository: 'contoso/web', tag: 'sha-0b293ab' }],
  ['ghcr.io/Contoso/web:1', LOWERCASE('Contoso/web')],
  ['ghcr.io/${{ github.repository }}:latest', INVALID],
  // Amazon ECR
  [
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v2',
    { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'team/api' },
  ],
  // Other public registries
  ['registry.k8s.io/pause:3.9', { registry: 'registry.k8s.io', repository: 'pause' }],
  ['quay.io/prometheus/node-exporter:v1.8.1', { registry: 'quay.io', repository: 'prometheus/node-exporter' }],
  ['gcr.io/distroless/static-debian12:nonroot', { registry: 'gcr.io', repository: 'distroless/static-debian12' }],
  // Docker Hub's API host is a registry of its own as far as the reference grammar is concerned
  ['registry-1.docker.io/library/nginx', { registry: 'registry-1.docker.io', isDockerHub: false }],
  ['registry.hub.docker.com/library//nginx:latest', INVALID],
  // Local registries
  ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', reference: 'latest' }],
  ['localhost/app:dev', { registry: 'localhost', repository: 'app', tag: 'dev' }],
  ['localhost', { registry: 'docker.io', repository: 'library/localhost' }],
  ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
  ['[::1]:5000/app:dev', { registry: '[::1]:5000', repository: 'app', tag: 'dev', canonical: '[::1]:5000/app:dev' }],
  ['[FC00::1]:5000/app', { registry: '[fc00::1]:5000' }],
  ['[::1]/app', { registry: '[::1]', repository: 'app' }],
  // `foo_bar.com` cannot be a domain for the grammar, yet the runtime still connects to the text before the slash
  ['foo_bar.com/x', { registry: 'foo_bar.com', repository: 'x' }],
  // Tags and digests
  ['nginx:1.27-alpine', { tag: '1.27-alpine', reference: '1.27-alpine' }],
  ['nginx:_private', { tag: '_private' }],
  ['nginx:.hidden', INVALID],
  ['nginx:-dash', INVALID],
  [`nginx:${'a'.repeat(128)}`, { tag: 'a'.repeat(128) }],
  [`nginx:${'a'.repeat(129)}`, INVALID],
  [`nginx@sha384:${'a'.repeat(96)}`, { digest: `sha384:${'a'.repeat(96)}` }],
  [`nginx@sha512:${'b'.repeat(128)}`, { digest: `sha512:${'b'.repeat(128)}` }],
  [`nginx@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
  [`nginx@sha256:${'a'.repeat(65)}`, 'invalid checksum digest length'],
  [`nginx@sha512:${'a'.repeat(64)}`, 'invalid checksum digest length'],
  [`nginx@sha256:${'F'.repeat(64)}`, 'invalid checksum digest format'],
  [`nginx@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
  ['nginx@sha256:abc', INVALID],
  [`nginx@SHA256:${'a'.repeat(64)}`, LOWERCASE('library/nginx@SHA256')],
  [`nginx:@sha256:${'a'.repeat(64)}`, INVALID],
  [`nginx:1.0:2.0`, INVALID],
  // Uppercase in the repository
  ['NGINX', LOWERCASE('library/NGINX')],
  ['busyboxXXXXXXX', LOWERCASE('library/busyboxXXXXXXX')],
  ['DUMMY_IMAGE:TEST', LOWERCASE('library/DUMMY_IMAGE')],
  ['THIS IS NOT A VALID IMAGE REFERENCE!!', LOWERCASE('library/THIS IS NOT A VALID IMAGE REFERENCE!!')],
  // An uppercase first element is taken for a domain; Parse then sees the name would be valid lowercased
  ['FOO_BAR/x', 'repository name must be lowercase'],
  ['', INVALID],
];

/** Input no pod spec should hold, but which the parser must answer exactly like the runtime, and quickly. */
const HOSTILE_ROWS: Row[] = [
  [' nginx', INVALID],
  ['nginx ', INVALID],
  ['nginx\n', INVALID],
  ['\tnginx', INVALID],
  ['nginx\u0000', INVALID],
  ['\u0000', INVALID],
  ['ngi\u0000nx:latest', INVALID],
  ['docker.io/\u0000/x', INVALID],
  ['ngınx', INVALID], // dotless i has no lowercase change
  ['nginx\u200b', INVALID], // zero-width space
  ['ｎｇｉｎｘ', INVALID], // full-width letters
  ['🐳/whale', INVALID],
  ['Ünicode.com/foo', INVALID],
  ['\u0130mage', LOWERCASE('library/\u0130mage')],
  // Go lowercases İ (U+0130) to "i" and the Kelvin sign to "k": the lowercased name parses, so the reason is "lowercase"
  ['\u0130MAGE/x', 'repository name must be lowercase'],
  ['\u212Aube/x', 'repository name must be lowercase'],
  ['nginx:täg', INVALID],
  ['nginx:latest\r\n', INVALID],
  ['registry.example.com:/app', INVALID],
  ['registry.example.com:port/app', INVALID],
  ['registry.example.com:5000:6000/app', INVALID],
  ['/nginx', INVALID],
  ['nginx/', INVALID],
  ['//', INVALID],
  [':', INVALID],
  ['@', INVALID],
  ['[]/app', INVALID],
  ['[:::::]/app', { registry: '[:::::]' }],
  ['__proto__', INVALID],
  ['constructor', { repository: 'library/constructor' }],
  // `library/` counts towards the 255 characters of the path
  ['a'.repeat(247), { repository: `library/${'a'.repeat(247)}` }],
  ['a'.repeat(248), 'repository name must not be more than 255 characters'],
  ['a'.repeat(1_000_000), 'repository name must not be more than 255 characters'],
  [`${'a/'.repeat(500_000)}a`, 'repository name must not be more than 255 characters'],
  [`${'a-'.repeat(200_000)}!`, INVALID],
  [`${'a.'.repeat(200_000)}a/b!`, INVALID],
  [`${'a__'.repeat(200_000)}_`, INVALID],
  [`${'a1'.repeat(200_000)}:${'t'.repeat(200_000)}`, INVALID],
  [`x.io/app@sha256:${'a'.repeat(1_000_000)}`, 'invalid checksum digest length'],
  [`[${':'.repeat(500_000)}/app`, INVALID],
  [`example.com${':1'.repeat(100_000)}/app`, INVALID],
  ['\ud800/app', INVALID], // lone surrogate
];

function check(input: string, expected: Expected): void {
  const result = parseImageReference(input);
  if (typeof expected === 'string') {
    assert.deepEqual(result, { ok: false, reason: expected });
    return;
  }
  assert.ok(result.ok, `expected ${JSON.stringify(input.slice(0, 80))} to parse, got ${JSON.stringify(result).slice(0, 300)}`);
  assert.equal(result.ref.original, input);
  if (expected === true) return;
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(result.ref[key as keyof ImageReference], value, `${key} of ${input.slice(0, 80)}`);
  }
}

function title(input: string, expected: Expected): string {
  const shown = JSON.stringify(input.length > 48 ? `${input.slice(0, 40)}…(${input.length} chars)` : input);
  return typeof expected === 'string' ? `rejects ${shown}: ${expected.slice(0, 90)}` : `parses ${shown}`;
}

describe('parseImageReference', () => {
  describe('agrees with distribution/reference normalize_test.go', () => {
    for (const [input, expected] of NORMALIZE_TEST_ROWS) it(title(input, expected), () => check(input, expected));
  });

  describe('reads the registries on-call engineers meet', () => {
    for (const [input, expected] of REAL_WORLD_ROWS) it(title(input, expected), () => check(input, expected));
  });

  describe('answers hostile input like the runtime would', () => {
    for (const [input, expected] of HOSTILE_ROWS) it(title(input, expected), () => check(input, expected));
  });

  it('fills every field for a Docker Hub short name', () => {
    assert.deepEqual(parseImageReference('nginx'), {
      ok: true,
      ref: {
        original: 'nginx',
        registry: 'docker.io',
        repository: 'library/nginx',
        reference: 'latest',
        isDockerHub: true,
        canonical: 'docker.io/library/nginx:latest',
      },
    });
  });

  it('keeps both the tag and the digest, and pulls by the digest', () => {
    const input = `myacr.azurecr.io/shop/web:1.4.2@${DIGEST}`;
    assert.deepEqual(parseImageReference(input), {
      ok: true,
      ref: {
        original: input,
        registry: 'myacr.azurecr.io',
        repository: 'shop/web',
        tag: '1.4.2',
        digest: DIGEST,
        reference: DIGEST,
        isDockerHub: false,
        canonical: input,
      },
    });
  });

  it('has at least 80 rows taken from the Go library and 30 of real and hostile input', () => {
    assert.ok(NORMALIZE_TEST_ROWS.length >= 80, `${NORMALIZE_TEST_ROWS.length} rows`);
    assert.ok(REAL_WORLD_ROWS.length + HOSTILE_ROWS.length >= 30);
  });
});

describe('registryApiHost', () => {
  it('sends Docker Hub API calls to registry-1.docker.io, as containerd and Docker do', () => {
    assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io');
  });

  it('leaves every other registry as it is, port included', () => {
    for (const registry of ['myacr.azurecr.io', 'ghcr.io', 'localhost:5000', '[::1]:5000', 'registry-1.docker.io', 'quay.io']) {
      assert.equal(registryApiHost(registry), registry);
    }
  });

  it('gives the API host of a parsed short name', () => {
    const parsed = parseImageReference('nginx:1.27');
    assert.ok(parsed.ok);
    assert.equal(registryApiHost(parsed.ref.registry), 'registry-1.docker.io');
  });
});

describe('isAzureContainerRegistry', () => {
  it('recognises login servers in the public, China, Germany and US Government clouds', () => {
    for (const registry of ['myacr.azurecr.io', 'contoso.azurecr.cn', 'legacy.azurecr.de', 'agency.azurecr.us']) {
      assert.equal(isAzureContainerRegistry(registry), true, registry);
    }
  });

  it('recognises a login server with a domain name label hash and in any letter case', () => {
    assert.equal(isAzureContainerRegistry('contosoacr-d7hcffg5bwb6a8ap.azurecr.io'), true);
    assert.equal(isAzureContainerRegistry('MyACR.AzureCR.IO'), true);
  });

  it('tolerates a port after the login server', () => {
    assert.equal(isAzureContainerRegistry('myacr.azurecr.io:443'), true);
  });

  it('refuses look-alikes, data endpoints and other registries', () => {
    for (const registry of [
      'azurecr.io',
      '.azurecr.io',
      'myacr.azurecr.io.evil.example.com',
      'myazurecr.io',
      'myacr.azurecr.com',
      'myacr.westeurope.data.azurecr.io',
      '-myacr.azurecr.io',
      'my_acr.azurecr.io',
      'mcr.microsoft.com',
      'docker.io',
      '',
      'myacr.azurecr.io:',
      'myacr.azurecr.io/shop',
      'myacr.azurecr.io\n',
    ]) {
      assert.equal(isAzureContainerRegistry(registry), false, JSON.stringify(registry));
    }
  });

  it('agrees with the registry that parseImageReference finds', () => {
    const parsed = parseImageReference('MyRegistry.azurecr.io/shop/web:1.4.2');
    assert.ok(parsed.ok);
    assert.equal(isAzureContainerRegistry(parsed.ref.registry), true);
  });
});

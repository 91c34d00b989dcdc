import {
  boundMessage,
  classifyPullError,
  MAX_MESSAGE_CHARS,
  splitPullAttempts,
} from '../../../src/diagnosis/classify/classify-pull-error.js';
import assert from 'node:assert/strict';
import { CAUSES } from '../../../src/diagnosis/types.js';

describe('classifyPullError', () => {
  describe('precedence', () => {
    it('reads a 401 as unauthorized even when the same attempt also says "not found"', () => {
      const message =
        'Failed to pull image "shop.azurecr.io/web:1.4": failed to pull and unpack image "shop.azurecr.io/web:1.4": failed to resolve reference "shop.azurecr.io/web:1.4": unexpected status from HEAD request to https://shop.azurecr.io/v2/web/manifests/1.4: 401 Unauthorized: repository not found or not authorized';
      assert.equal(classifyPullError(message), 'unauthorized');
    });

    it('prefers the attempt whose credentials worked and found no such tag over the anonymous retry that got a 401', () => {
      const message =
        'Failed to pull image "shop.azurecr.io/web:9": [rpc error: code = NotFound desc = failed to pull and unpack image "shop.azurecr.io/web:9": failed to resolve reference "shop.azurecr.io/web:9": shop.azurecr.io/web:9: not found, rpc error: code = Unknown desc = failed to pull and unpack image "shop.azurecr.io/web:9": failed to resolve reference "shop.azurecr.io/web:9": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://shop.azurecr.io/oauth2/token?scope=repository%3Aweb%3Apull&service=shop.azurecr.io: 401 Unauthorized]';
      assert.equal(classifyPullError(message), 'image-not-found');
    });

    it('keeps unauthorized when a refused credential is followed by Docker Hub\'s ambiguous "may require authorization"', () => {
      const message =
        'Failed to pull image "acme/private:2": [rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/acme/private:2": failed to resolve reference "docker.io/acme/private:2": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://auth.docker.io/token?scope=repository%3Aacme%2Fprivate%3Apull&service=registry.docker.io: 401 Unauthorized, rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/acme/private:2": failed to resolve reference "docker.io/acme/private:2": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed]';
      assert.equal(classifyPullError(message), 'unauthorized');
    });

    it('reads an anonymous token refused on its own as unauthorized', () => {
      const message =
        'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://x.azurecr.io/oauth2/token?scope=repository%3Aweb%3Apull&service=x.azurecr.io: 401 Unauthorized';
      assert.equal(classifyPullError(message), 'unauthorized');
    });

    it('reads a 429 from the token endpoint as rate-limited, not as an authorization failure', () => {
      const message =
        'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://auth.docker.io/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=registry.docker.io: 429 Too Many Requests';
      assert.equal(classifyPullError(message), 'rate-limited');
    });

    it('reads a 403 at the token endpoint as forbidden, not unauthorized', () => {
      const message =
        'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://x.azurecr.io/oauth2/token?scope=repository%3Aweb%3Apull&service=x.azurecr.io: 403 Forbidden';
      assert.equal(classifyPullError(message), 'forbidden');
    });

    it('reads a token request that timed out as a network problem, not an authorization failure', () => {
      const message =
        'failed to authorize: failed to fetch oauth token: Post "https://x.azurecr.io/oauth2/token": dial tcp 20.61.99.1:443: i/o timeout';
      assert.equal(classifyPullError(message), 'network-timeout');
    });

    it('reads a DNS query that timed out as dns, not as a network timeout', () => {
      assert.equal(
        classifyPullError(
          'Get "https://x.azurecr.io/v2/": dial tcp: lookup x.azurecr.io on 10.0.0.10:53: read udp 10.244.1.5:40112->10.0.0.10:53: i/o timeout',
        ),
        'dns',
      );
    });

    it('reads a TLS handshake timeout as a network problem, not a certificate problem', () => {
      assert.equal(classifyPullError('Get "https://x.azurecr.io/v2/": net/http: TLS handshake timeout'), 'network-timeout');
    });

    it('reads "connection refused" as network-timeout: the registry cannot be reached', () => {
      assert.equal(
        classifyPullError(
          'failed to do request: Head "https://10.1.2.3:5000/v2/web/manifests/1": dial tcp 10.1.2.3:5000: connect: connection refused',
        ),
        'network-timeout',
      );
    });

    it('lets an admission denial win over the 401 its verifier quotes', () => {
      const message =
        'admission webhook "validation.gatekeeper.sh" denied the request: [ratify-constraint] Subject failed verification: x.azurecr.io/web@sha256:abc: UNAUTHORIZED: authentication required';
      assert.equal(classifyPullError(message), 'policy');
    });

    it('lets "no basic auth credentials" win over the ambiguous "pull access denied"', () => {
      assert.equal(
        classifyPullError(
          'pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials',
        ),
        'unauthorized',
      );
    });

    it('does not read a file "permission denied" on the node as a registry refusal', () => {
      const message =
        'failed to pull and unpack image "docker.io/library/nginx:1.27": failed to extract layer sha256:5dacd731af1b: mount callback failed on /var/lib/containerd/tmpmounts/containerd-mount1: open /var/lib/containerd/tmpmounts/containerd-mount1/etc: permission denied: unknown';
      assert.equal(classifyPullError(message), 'other');
    });

    it('does not read the ImagePullBackOff message as a cause', () => {
      assert.equal(classifyPullError('Back-off pulling image "shop.azurecr.io/web:1.4"'), 'other');
    });

    it("reads the kubelet's missing pull-secret warning as missing credentials, not as a missing image", () => {
      assert.equal(
        classifyPullError('Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.'),
        'unauthorized',
      );
      assert.equal(
        classifyPullError(
          'W1126 12:07:44.833517 3683 kubelet_pods.go:842] Unable to retrieve pull secret shop/regcred for shop/web-7d4c9 due to secrets "regcred" not found.  The image pull may not succeed.',
        ),
        'unauthorized',
      );
    });

    it('reads an image policy webhook denial as policy although the API server calls it forbidden', () => {
      const message =
        'Error creating: pods "web-7d4c9-" is forbidden: image policy webhook backend denied one or more images: Denied by default admission rule. Overridden by evaluation mode';
      assert.equal(classifyPullError(message), 'policy');
    });

    it("reads the kubelet's own pull QPS limit as rate-limited: no registry was asked", () => {
      assert.equal(classifyPullError('Failed to pull image "shop.azurecr.io/web:1.4": pull QPS exceeded'), 'rate-limited');
    });

    it('reads a status line whose reason phrase is empty', () => {
      const token =
        'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://shop.azurecr.io/oauth2/token?scope=repository%3Aweb%3Apull&service=shop.azurecr.io';
      assert.equal(classifyPullError(`${token}: 401 `), 'unauthorized');
      assert.equal(
        classifyPullError(
          `E0223 03:46:24.130801 849883 kuberuntime_image.go:42] "Failed to pull image" err="${token}: 401 " image="shop.azurecr.io/web:1.4"`,
        ),
        'unauthorized',
      );
      assert.equal(classifyPullError('failed to authorize: failed to fetch oauth token: unexpected status: 403'), 'forbidden');
      assert.equal(classifyPullError(`${token}: 429`), 'rate-limited');
      assert.equal(
        classifyPullError(
          'Failed to pull image "shop.azurecr.io/web:403": failed to resolve reference "shop.azurecr.io/web:403": shop.azurecr.io/web:403: not found',
        ),
        'image-not-found',
      );
    });

    it("reads Docker Hub's DENIED with a 401 as the ambiguous not-found, and a node with no credentials as unauthorized", () => {
      const denied =
        'Error reading manifest 2 in docker.io/acme/web: errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required\n';
      assert.equal(classifyPullError(denied), 'image-not-found');
      assert.equal(
        classifyPullError(
          'pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials',
        ),
        'unauthorized',
      );
    });

    it("reads old containerd's endpoint wording and a bare not-found as a missing image", () => {
      assert.equal(
        classifyPullError(
          'failed to resolve image "docker.io/library/nginx:1.27": no available registry endpoint: docker.io/library/nginx:1.27 not found',
        ),
        'image-not-found',
      );
      assert.equal(
        classifyPullError('failed to resolve image "docker.io/library/nginx:1.27": docker.io/library/nginx:1.27 not found'),
        'image-not-found',
      );
    });

    it("does not read NotFound from the node's own content store as a missing image", () => {
      const message =
        'failed to pull image: rpc error: code = NotFound desc = failed to pull and unpack image "shop.azurecr.io/web:1.4": failed to prepare extraction snapshot "extract-795119289-7389 sha256:9281": parent snapshot sha256:0b16 does not exist: not found';
      assert.equal(classifyPullError(message), 'other');
    });

    it('reads Linux layers on a Windows node as a platform mismatch, but not every Windows layer failure', () => {
      const layer = (reason: string) =>
        `failed to pull and unpack image "shop.azurecr.io/web:1.4": failed to extract layer sha256:02f2bcb2: hcsshim::ProcessBaseLayer \\\\?\\C:\\ProgramData\\containerd\\root\\io.containerd.snapshotter.v1.windows\\snapshots\\167: ${reason}: unknown`;
      assert.equal(classifyPullError(layer('The system cannot find the path specified.')), 'platform-mismatch');
      assert.equal(classifyPullError(layer('The specified module could not be found.')), 'other');
    });

    it('does not mistake status-like numbers in tags and digests for HTTP statuses', () => {
      assert.equal(
        classifyPullError('Error response from daemon: manifest for shop/web:401 not found: manifest unknown: manifest unknown'),
        'image-not-found',
      );
      assert.equal(classifyPullError('Failed to pull image "shop/web:403": dial tcp: lookup registry-1.docker.io: no such host'), 'dns');
      assert.equal(classifyPullError('Failed to pull image "shop/web:429": x509: certificate has expired or is not yet valid'), 'tls');
      assert.equal(classifyPullError('failed to fetch oauth token: unexpected status code 401'), 'unauthorized');
    });

    it('understands registry JSON error bodies', () => {
      assert.equal(
        classifyPullError('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}'),
        'unauthorized',
      );
      assert.equal(classifyPullError('{"errors":[{"code":"DENIED","message":"denied"}]}'), 'forbidden');
      // Docker Hub's and Harbor's DENIED for a repository they will not show: the ambiguous not-found
      assert.equal(
        classifyPullError('{"errors":[{"code": "DENIED","message":"requested access to the resource is denied"}]}'),
        'image-not-found',
      );
      assert.equal(
        classifyPullError('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest tagged by \\"9\\" is not found"}]}'),
        'image-not-found',
      );
      assert.equal(classifyPullError('{"errors":[{"code":"TOOMANYREQUESTS","message":"retry later"}]}'), 'rate-limited');
      assert.equal(classifyPullError('{"errors":[{"code":"NAME_INVALID","message":"invalid repository name"}]}'), 'invalid-reference');
    });
  });

  describe('hostile and odd input', () => {
    it('answers other for empty, blank and non-string messages', () => {
      assert.equal(classifyPullError(''), 'other');
      assert.equal(classifyPullError(' \n\t '), 'other');
      assert.equal(classifyPullError(undefined as unknown as string), 'other');
      assert.equal(classifyPullError(42 as unknown as string), 'other');
      assert.equal(classifyPullError({ message: 'x509: certificate has expired' } as unknown as string), 'other');
    });

    it('returns for 1 MB strings shaped to provoke backtracking', () => {
      const megabyte = 1024 * 1024;
      const hostile = [
        'a'.repeat(megabyte),
        '\\'.repeat(megabyte),
        'lookup '.repeat(megabyte / 7),
        ', rpc error: code = '.repeat(megabyte / 20),
        `admission webhook "${'x'.repeat(megabyte)}`,
        `manifest for ${'x'.repeat(megabyte)}`,
        `${': '.repeat(megabyte / 2)}eof`,
        `https://${'a'.repeat(megabyte)}`,
        '\u202e\u200b'.repeat(megabyte / 2),
        `failed to resolve image "${'x'.repeat(megabyte)}`,
        `failed to resolve image "x": ${'y'.repeat(megabyte)}`,
        `no available registry endpoint: ${'z'.repeat(megabyte)}`,
        ': 401 '.repeat(megabyte / 6),
        `error: image ${'i'.repeat(megabyte)}`,
      ];
      for (const message of hostile) assert.ok(CAUSES.includes(classifyPullError(message)));
    });

    it('reads only the first 8 KiB of a message', () => {
      const padding = 'x'.repeat(MAX_MESSAGE_CHARS);
      assert.equal(classifyPullError(`${padding} 401 Unauthorized`), 'other');
      assert.equal(classifyPullError(`401 Unauthorized ${padding}`), 'unauthorized');
    });

    it('ignores control characters, zero-width characters and bidi overrides inside the wording', () => {
      assert.equal(classifyPullError('dial tcp 10.0.0.1:443: i/o\u200b timeout'), 'network-timeout');
      assert.equal(classifyPullError('Failed to pull image "web":\u0000\u001b[31m manifest unknown\u001b[0m'), 'image-not-found');
      assert.equal(classifyPullError('\u202ex509: certificate signed by unknown authority\u202c'), 'tls');
    });

    it('handles unicode around the wording and line breaks inside it', () => {
      assert.equal(classifyPullError('🚫 Ошибка: toomanyrequests: You have reached your pull rate limit 🚫'), 'rate-limited');
      assert.equal(classifyPullError('Get https://r.example.com/v2/:\r\nx509: certificate has\r\n expired or is not yet valid'), 'tls');
    });

    it('reads quotes escaped the way klog writes them', () => {
      const line =
        'E0102 21:10:37.610356 13696 remote_image.go:180] "PullImage from image service failed" err="rpc error: code = Unknown desc = failed to pull and unpack image \\"docker.io/library/nginx:latest\\": failed to resolve reference \\"docker.io/library/nginx:latest\\": docker.io/library/nginx:latest: not found" image="nginx"';
      assert.equal(classifyPullError(line), 'image-not-found');
    });
  });
});

describe('boundMessage', () => {
  it('keeps at most the first 8 KiB of a message', () => {
    assert.equal(MAX_MESSAGE_CHARS, 8192);
    assert.equal(boundMessage('y'.repeat(MAX_MESSAGE_CHARS * 4)).length, MAX_MESSAGE_CHARS);
  });

  it('unescapes klog quotes, drops control and invisible characters, and collapses whitespace', () => {
    assert.equal(boundMessage('image \\"a\\"\u0000\u200b \r\n\t\u202eb '), 'image "a" b');
  });

  it('keeps the case of the message', () => {
    assert.equal(boundMessage('Failed to pull image "Web"'), 'Failed to pull image "Web"');
  });

  it('turns anything that is not a string into an empty message', () => {
    assert.equal(boundMessage(undefined), '');
    assert.equal(boundMessage({ toString: () => 'x509' }), '');
  });
});

describe('splitPullAttempts', () => {
  it("splits the kubelet's aggregate into one text per attempt, each keeping its rpc code", () => {
    const attempts = splitPullAttempts(
      'failed to pull image "x": [rpc error: code = notfound desc = x: not found, rpc error: code = unknown desc = 401 unauthorized]',
    );
    assert.deepEqual(attempts, [
      'failed to pull image "x": [rpc error: code = notfound desc = x: not found',
      'rpc error: code = unknown desc = 401 unauthorized]',
    ]);
  });

  it('treats a message without the aggregate shape as one attempt', () => {
    assert.deepEqual(splitPullAttempts('rpc error: code = unknown desc = manifest unknown'), [
      'rpc error: code = unknown desc = manifest unknown',
    ]);
  });

  it('drops empty pieces from a run of separators', () => {
    assert.deepEqual(splitPullAttempts(', rpc error: code = , rpc error: code = a'), ['rpc error: code = ', 'rpc error: code = a']);
  });
});

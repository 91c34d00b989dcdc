import assert from 'node:assert/strict';
import { createLogger, memorySink } from '../../src/logging/index.js';
import { redactText } from '../../src/logging/redact.js';

/**
 * Secret shapes seen in real error text: what Azure SDKs, registries, kubeconfigs and HTTP stacks echo back.
 * Each line holds one secret; none of them may survive redaction, and the text around them must.
 */
const LEAKS: Array<{ shape: string; text: string; secret: string }> = [
  {
    shape: 'lower-case bearer scheme (RFC 9110: schemes are case-insensitive)',
    text: 'request failed; authorization: bearer 7Fq2vXk9LmN3pQr8',
    secret: '7Fq2vXk9LmN3pQr8',
  },
  { shape: 'lower-case basic scheme', text: 'upstream said: authorization: basic cHVsbGVyOmh1bnRlcjI=', secret: 'cHVsbGVyOmh1bnRlcjI=' },
  {
    shape: 'SAS token signature in a blob URL',
    text: 'PUT https://pdstate.blob.core.windows.net/pulldoctor/a.json?sv=2022-11-02&ss=b&srt=o&sp=rw&se=2026-12-01&sig=q1W2e3R4t5Y6u7I8o9P0%2BaSdFgHjKl%3D failed',
    secret: 'q1W2e3R4t5Y6u7I8o9P0%2BaSdFgHjKl%3D',
  },
  {
    shape: 'storage connection string account key',
    text: 'cannot use DefaultEndpointsProtocol=https;AccountName=pdstate;AccountKey=Zm9vYmFyYmF6cXV4+/AbCdEfGh==;EndpointSuffix=core.windows.net',
    secret: 'Zm9vYmFyYmF6cXV4+/AbCdEfGh==',
  },
  {
    shape: 'Service Bus / Event Hubs connection string key',
    text: 'Endpoint=sb://pd.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=u8Ii9Oo0Pp+Qq1Ww2Ee3Rr4=',
    secret: 'u8Ii9Oo0Pp+Qq1Ww2Ee3Rr4=',
  },
  {
    shape: 'SharedAccessSignature in a connection string',
    text: 'BlobEndpoint=https://pdstate.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&sp=rw&sig=Xy7Zz8Aa9Bb0',
    secret: 'Xy7Zz8Aa9Bb0',
  },
  {
    shape: 'registry token endpoint JSON "token"',
    text: 'token endpoint answered {"token":"dckr_opaque_4f9a8b7c6d5e","expires_in":300}',
    secret: 'dckr_opaque_4f9a8b7c6d5e',
  },
  {
    shape: 'OAuth JSON "client_secret"',
    text: 'sent {"client_id":"x","client_secret":"Q~abc.DEF_1234567890"}',
    secret: 'Q~abc.DEF_1234567890',
  },
  {
    shape: 'camelCase JSON "clientSecret"',
    text: '{"clientId":"x","clientSecret":"Q~zyx.WVU_0987654321"}',
    secret: 'Q~zyx.WVU_0987654321',
  },
  { shape: 'JSON "secret"', text: '{"name":"webhook","secret":"am-webhook-s3cr3t-value"}', secret: 'am-webhook-s3cr3t-value' },
  { shape: 'JSON "accessToken"', text: '{"accessToken":"opaque.at.12345678","expiresOn":"2026"}', secret: 'opaque.at.12345678' },
  {
    shape: 'docker config quoted inside a JSON string (escaped quotes)',
    text: '{"message":"bad config {\\"auths\\":{\\"ghcr.io\\":{\\"auth\\":\\"Z2hvc3Q6Z2hwX3NlY3JldA==\\"}}}"}',
    secret: 'Z2hvc3Q6Z2hwX3NlY3JldA==',
  },
  {
    shape: 'kubeconfig YAML token',
    text: 'users:\n- name: pd\n  user:\n    token: kubeBearer0123456789abcdef',
    secret: 'kubeBearer0123456789abcdef',
  },
  {
    shape: 'kubeconfig YAML client-key-data',
    text: '    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==',
    secret: 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==',
  },
  {
    shape: 'URL password holding an unescaped @',
    text: 'GET https://pd-bot:At@Fixture@Pw-42@registry.example.com/v2/ failed',
    secret: 'Pw-42',
  },
  { shape: 'query-string token', text: 'GET /hook?token=wh_9a8b7c6d5e4f failed', secret: 'wh_9a8b7c6d5e4f' },
  {
    shape: 'credential of another scheme in an Authorization header',
    text: 'proxy said: Proxy-Authorization: Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag',
    secret: 'YIIGhgYGKwYBBQUCoIIGejCCBnag',
  },
  { shape: 'all-letter bearer token after the header', text: 'sent Authorization: Bearer abcdefghijkl', secret: 'abcdefghijkl' },
  { shape: 'bearer token starting with a lower-case word', text: 'retrying with Bearer abc.def-ghi_123456', secret: 'abc.def-ghi' },
  { shape: 'base64 basic credentials of letters only', text: 'with Basic dXNlcjpwYXNz', secret: 'dXNlcjpwYXNz' },
  {
    shape: 'credential of an unknown scheme, mixed case and digits',
    text: 'upstream echoed Authorization: Custom AbCd1234efgh',
    secret: 'AbCd1234efgh',
  },
  { shape: 'lower-case token scheme with a plain-word token', text: 'authorization: token abcdefghij', secret: 'abcdefghij' },
  { shape: 'Azure Storage SharedKey header', text: 'Authorization=SharedKey pdstate:c2lnbmF0dXJlLXZhbHVl', secret: 'c2lnbmF0dXJlLXZhbHVl' },
];

describe('redactText', () => {
  for (const { shape, text, secret } of LEAKS) {
    it(`removes a ${shape}`, () => {
      const out = redactText(text);
      assert.ok(!out.includes(secret), `${secret} survived: ${out}`);
      assert.match(out, /redacted/);
    });
  }

  it('keeps the words around a secret and leaves prose about tokens alone', () => {
    assert.equal(
      redactText('AccountName=pdstate;AccountKey=Zm9vYmFy==;EndpointSuffix=core.windows.net'),
      'AccountName=pdstate;AccountKey=[redacted];EndpointSuffix=core.windows.net',
    );
    for (const prose of [
      'refresh token expired',
      'the token realm x is not https',
      'InvalidAuthenticationToken: The access token is invalid.',
      'incorrect username or password',
      'failed to fetch anonymous token: 401 Unauthorized',
      'the registry answered 401 without a Bearer or Basic challenge',
      'asks for Basic authentication (realm "Registry")',
      'BASIC Authentication is off',
      'failed to fetch oauth token: unexpected status from GET request to https://shopacr.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fweb%3Apull&service=shopacr.azurecr.io: 401 Unauthorized',
      // Docker Hub's and containerd's own sentences: "authorization:" followed by words, not by a scheme and a credential
      'failed to resolve reference "docker.io/acme/billing:2.1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      'pull access denied for acme/billing, repository does not exist or may require authorization: authentication required',
    ]) {
      assert.equal(redactText(prose), prose);
    }
  });
});

describe('logger field names', () => {
  it('redacts connection strings, account keys, cookies and API keys by field name', () => {
    const sink = memorySink();
    createLogger({ sink }).warn('request failed', {
      connectionString: 'UseDevelopmentStorage=true-ish-value-1',
      accountKey: 'account-key-value-2',
      headers: {
        cookie: 'session=cookie-value-3',
        'set-cookie': 'cookie-value-4',
        'x-api-key': 'api-key-value-5',
        'Ocp-Apim-Subscription-Key': 'apim-value-6',
      },
      sig: 'sas-sig-value-7',
    });
    const text = JSON.stringify(sink.records);
    for (const n of [1, 2, 3, 4, 5, 6, 7]) assert.ok(!text.includes(`value-${n}`), `value-${n} leaked: ${text}`);
  });
});

import assert from 'node:assert/strict';
import { parseGoUrl, splitGoHostPort } from '../../../src/diagnosis/credentials/go-url.js';

// Expected values printed by Go 1.19 net/url `url.Parse` (host and path, or null for an error).
const URL_PARSE: Array<[raw: string, expected: { host: string; path: string } | null]> = [
  ["https://ghcr.io",{"host":"ghcr.io","path":""}],
  ["https://index.docker.io/v1/",{"host":"index.docker.io","path":"/v1/"}],
  ["https://user:pass@host:5000/p",{"host":"host:5000","path":"/p"}],
  ["https://[::1]:5000/x",{"host":"[::1]:5000","path":"/x"}],
  ["https://[::1]/x",{"host":"[::1]","path":"/x"}],
  ["https://host:abc",null],
  ["https://host:",{"host":"host:","path":""}],
  ["https://ho st",null],
  ["https://h%41st",null],
  ["https://h%c3%a9st",{"host":"hést","path":""}],
  ["https://host/a%2Fb",{"host":"host","path":"/a/b"}],
  ["https://host/%zz",null],
  ["https://host?x=1",{"host":"host","path":""}],
  ["https://host/p?x=%zz",{"host":"host","path":"/p"}],
  ["https://host#frag",{"host":"host","path":""}],
  ["https://host#%zz",null],
  ["https://evil\u0000.com",null],
  ["https://us er@host",null],
  ["https://HTTPS://ghcr.io",{"host":"HTTPS:","path":"//ghcr.io"}],
  ["https://[::1",null],
  ["https://[::1]x",null],
  ["https://",{"host":"","path":""}],
  ["https://host/a b",{"host":"host","path":"/a b"}],
  ["https://*.azurecr.io",{"host":"*.azurecr.io","path":""}],
  ["https://[a-z]cr.io",null],
  ["https://h%25st",{"host":"h%st","path":""}],
  ["http://localhost:5000/v2/",{"host":"localhost:5000","path":"/v2/"}],
  ["https://a@b@c/d",{"host":"c","path":"/d"}],
  ["https://host/p\u007f",null],
];

// Expected values printed by Go 1.19 net `SplitHostPort` (or null for an error).
const SPLIT_HOST_PORT: Array<[hostport: string, expected: { host: string; port: string } | null]> = [
  ["ghcr.io",null],
  ["ghcr.io:443",{"host":"ghcr.io","port":"443"}],
  ["[::1]:5000",{"host":"::1","port":"5000"}],
  ["[::1]",null],
  ["::1",null],
  ["host:",{"host":"host","port":""}],
  ["a:b:c",null],
  ["[::1]:",{"host":"::1","port":""}],
  ["[a]b:1",null],
  ["x]:1",null],
  ["[x:1",null],
  ["[::1]:5000:1",null],
  [":80",{"host":"","port":"80"}],
  ["",null],
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

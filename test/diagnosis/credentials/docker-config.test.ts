import assert from 'node:assert/strict';
import { decodeAuthField } from '../../../src/diagnosis/credentials/docker-config.js';

describe("decodeAuthField (the kubelet's decodeDockerConfigFieldAuth)", () => {
  it('splits base64 of user:password at the first colon', () => {
    assert.deepEqual(decodeAuthField(Buffer.from('contoso-bot:pa:ss').toString('base64')), {
      ok: true,
      username: 'contoso-bot',
      password: 'pa:ss',
    });
  });

  it('reads unpadded base64 when the value does not end with =', () => {
    assert.deepEqual(decodeAuthField('dTpwYQ'), { ok: true, username: 'u', password: 'pa' });
  });

  it('keeps an empty password, as ACR refresh-token logins write it', () => {
    const auth = Buffer.from('00000000-0000-0000-0000-000000000000:').toString('base64');
    assert.deepEqual(decodeAuthField(auth), { ok: true, username: '00000000-0000-0000-0000-000000000000', password: '' });
  });

  it('refuses plain user:password with the byte offset Go reports', () => {
    assert.deepEqual(decodeAuthField('contoso-bot:secret'), {
      ok: false,
      reason: 'not-base64',
      offset: 7,
      kubeletError: 'illegal base64 data at input byte 7',
    });
  });

  it('decides padding after trimming, but decodes the untrimmed value, like Go', () => {
    // "dTpwYQ== " ends with "=" once trimmed, so standard base64 reads it and stops at the space.
    assert.deepEqual(decodeAuthField('dTpwYQ== '), {
      ok: false,
      reason: 'not-base64',
      offset: 8,
      kubeletError: 'illegal base64 data at input byte 8',
    });
    // U+3000 is white space for Go's TrimSpace too.
    assert.equal(decodeAuthField('dTpwYQ==\u3000').ok, false);
  });

  it('refuses a token without a user', () => {
    assert.deepEqual(decodeAuthField(Buffer.from('just-a-token').toString('base64')), {
      ok: false,
      reason: 'no-colon',
      kubeletError: 'unable to parse auth field, must be formatted as base64(username:password)',
    });
  });
});

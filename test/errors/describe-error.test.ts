import assert from 'node:assert/strict';
import { describeError, PullDoctorError } from '../../src/errors/index.js';

describe('describeError', () => {
  it('turns a known failure into a title, the message and advice', () => {
    const advice = describeError(new PullDoctorError('POD_NOT_FOUND', 'No pod "web-1" in namespace "shop".'));
    assert.equal(advice.code, 'POD_NOT_FOUND');
    assert.equal(advice.title, 'Pod not found');
    assert.match(advice.advice, /kubectl get pods/);
  });

  it('says a failed fix needs a new request, since a failed request is final', () => {
    const advice = describeError(new PullDoctorError('FIX_FAILED', 'Azure refused the role assignment.'));
    assert.match(advice.advice, /cannot be approved again/);
    assert.match(advice.advice, /request a new fix/);
    assert.doesNotMatch(advice.advice, /can be approved again/);
  });

  it('keeps specific advice given with the error', () => {
    const advice = describeError(new PullDoctorError('AZURE_FORBIDDEN', 'no read', { advice: 'Grant Reader on rg-shop.' }));
    assert.equal(advice.advice, 'Grant Reader on rg-shop.');
  });

  it('hides the text of unknown errors, which may hold secrets or internals', () => {
    const advice = describeError(new TypeError('Cannot read properties of undefined (token=abc123)'));
    assert.equal(advice.code, 'INTERNAL');
    assert.ok(!advice.message.includes('abc123'));
    assert.ok(!advice.message.includes('Cannot read'));
  });

  it('redacts tokens that slipped into a known error message', () => {
    const advice = describeError(new PullDoctorError('REGISTRY_UNREACHABLE', 'GET failed with Bearer abcdefghijklmnopqrstuvwxyz'));
    assert.ok(!advice.message.includes('abcdefghijklmnopqrstuvwxyz'));
  });
});

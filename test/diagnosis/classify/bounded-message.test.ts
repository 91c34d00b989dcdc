import assert from 'node:assert/strict';
import { boundMessage, MAX_MESSAGE_CHARS } from '../../../src/diagnosis/classify/bounded-message.js';

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

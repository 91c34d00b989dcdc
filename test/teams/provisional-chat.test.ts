import assert from 'node:assert/strict';
import { parseProvisionalCommand } from '../../src/teams/provisional-chat.js';

describe('the provisional chat parser (until src/chat/parse-command.ts lands)', () => {
  it('understands "why is pod X failing in Y" and "diagnose X -n Y"', () => {
    assert.deepEqual(parseProvisionalCommand('why is pod web-7d4c9 failing in shop'), { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' });
    assert.deepEqual(parseProvisionalCommand('  Why is web-7d4c9 failing?  '), { kind: 'diagnose', pod: 'web-7d4c9' });
    assert.deepEqual(parseProvisionalCommand('diagnose web-7d4c9 -n shop'), { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' });
  });

  it('asks which pod, and refuses names Kubernetes would not accept', () => {
    assert.equal(parseProvisionalCommand('diagnose').kind, 'invalid');
    assert.deepEqual(parseProvisionalCommand('diagnose Web_Pod!'), { kind: 'invalid', reason: '"Web_Pod!" is not a valid pod name.' });
  });

  it('knows help, and leaves everything else unknown', () => {
    assert.deepEqual(parseProvisionalCommand('help'), { kind: 'help' });
    assert.deepEqual(parseProvisionalCommand('hello there'), { kind: 'unknown', text: 'hello there' });
  });
});

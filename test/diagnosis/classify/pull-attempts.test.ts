import assert from 'node:assert/strict';
import { splitPullAttempts } from '../../../src/diagnosis/classify/pull-attempts.js';

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

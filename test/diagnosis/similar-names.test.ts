import assert from 'node:assert/strict';
import { editDistance, similarNames } from '../../src/diagnosis/similar-names.js';

describe('similarNames', () => {
  const pods = ['web-7d4c9b6f5-x2k8p', 'web-7d4c9b6f5-q9zzt', 'api-5f6d7c8b9-abcde', 'worker-0', 'redis-master-0'];

  it('suggests the pods of the same deployment when the hash suffix is missing', () => {
    assert.deepEqual(similarNames('web-7d4c9', pods).slice(0, 2).sort(), ['web-7d4c9b6f5-q9zzt', 'web-7d4c9b6f5-x2k8p']);
  });

  it('suggests a name one typo away', () => {
    assert.deepEqual(similarNames('wroker-0', pods), ['worker-0']);
  });

  it('suggests nothing when no name is close', () => {
    assert.deepEqual(similarNames('database', pods), []);
  });

  it('returns at most the requested number of names', () => {
    const many = Array.from({ length: 20 }, (_, i) => `web-${i}`);
    assert.equal(similarNames('web', many, 3).length, 3);
  });

  it('measures edit distance and gives up past the bound', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('a'.repeat(200), 'b'.repeat(200), 5), 6);
  });
});

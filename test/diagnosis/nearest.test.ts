import assert from 'node:assert/strict';
import { editDistance, nearestTags, similarNames } from '../../src/diagnosis/nearest.js';

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

describe('nearestTags: the existing tags nearest a missing one', () => {
  it('names the versions next to a missing version, the closest step first and the newer one first at an equal step', () => {
    assert.deepEqual(nearestTags('1.3.0', ['1.0', '1.2.0', '1.4.0', '2.4.1', '1.2.9', 'latest', 'single']), [
      '1.4.0',
      '1.2.9',
      '1.2.0',
      '1.0',
      '2.4.1',
    ]);
    assert.deepEqual(nearestTags('1.3.0', ['1.3.1', '1.3.0-rc1', '1.2.0']), ['1.3.1', '1.2.0', '1.3.0-rc1']);
  });

  it('prefers the same variant (-alpine) and reads a leading v', () => {
    assert.deepEqual(nearestTags('v2.4-alpine', ['v2.4', '2.3-alpine', '2.5-alpine', 'v2.4.1-alpine'], 3), [
      'v2.4.1-alpine',
      '2.5-alpine',
      '2.3-alpine',
    ]);
  });

  it('names tags a few edits away from a tag that is not a version, and none that are far', () => {
    assert.deepEqual(nearestTags('prod-2026-11', ['prod-2026-10', 'prod-2025-11', 'staging', 'latest', 'dev']), [
      'prod-2026-10',
      'prod-2025-11',
    ]);
    assert.deepEqual(nearestTags('lates', ['latest', 'main']), ['latest']);
    assert.deepEqual(nearestTags('production', ['x', 'y', 'zz']), []);
  });

  it('never names the missing tag itself, and keeps to the limit however many tags there are', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);
    const near = nearestTags('1.20.50', many, 5);
    assert.equal(near.length, 5);
    assert.ok(!near.includes('1.20.50'));
    assert.deepEqual(near.slice(0, 2), ['1.20.51', '1.20.49']);
  });

  it('copes with hostile tags: very long, odd characters, numbers too large for a version', () => {
    const near = nearestTags('1.0', ['9'.repeat(128), 'a'.repeat(128), '1.0\u0000', '99999999999.1', '1.1']);
    assert.equal(near[0], '1.1');
  });
});

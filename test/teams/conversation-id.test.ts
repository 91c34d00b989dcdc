import assert from 'node:assert/strict';
import { channelOf, sameConversation } from '../../src/teams/conversations.js';

describe('conversation ids of channels and their threads', () => {
  it('reads the channel of a thread, and leaves other conversation ids as they are', () => {
    assert.equal(
      channelOf('19:0c5b7c1e3f2d4a6b8c9d0e1f2a3b4c5d@thread.tacv2;messageid=1795735129931'),
      '19:0c5b7c1e3f2d4a6b8c9d0e1f2a3b4c5d@thread.tacv2',
    );
    assert.equal(channelOf('19:0c5b7c1e3f2d4a6b8c9d0e1f2a3b4c5d@thread.tacv2'), '19:0c5b7c1e3f2d4a6b8c9d0e1f2a3b4c5d@thread.tacv2');
    assert.equal(channelOf('a:1Xz9kq3LmN0pQ7rS2tU5vW8yZ'), 'a:1Xz9kq3LmN0pQ7rS2tU5vW8yZ');
    assert.equal(channelOf('19:meeting_YmFkZ2U@thread.v2'), '19:meeting_YmFkZ2U@thread.v2');
  });

  it('counts two threads of one channel as the same conversation, and nothing else', () => {
    const channel = '19:0c5b7c1e3f2d4a6b8c9d0e1f2a3b4c5d@thread.tacv2';
    assert.ok(sameConversation(`${channel};messageid=1795735129931`, `${channel};messageid=1795735200000`));
    assert.ok(sameConversation(channel, `${channel};messageid=1795735200000`));
    assert.ok(!sameConversation(channel, '19:ffffffffffffffffffffffffffffffff@thread.tacv2;messageid=1795735129931'));
    assert.ok(!sameConversation('a:one', 'a:two'));
  });
});

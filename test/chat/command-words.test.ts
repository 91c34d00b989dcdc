import assert from 'node:assert/strict';
import { CHAT_COMMANDS } from '../../src/chat/command-words.js';
import { parseChatCommand } from '../../src/chat/parse-command.js';

describe('CHAT_COMMANDS', () => {
  it("lists diagnose, what's failing, alerts and help once each", () => {
    assert.deepEqual(CHAT_COMMANDS.map((c) => c.id).sort(), ['alerts', 'diagnose', 'failing', 'help']);
  });

  it("keeps titles within Teams' 32 characters and descriptions within 128", () => {
    for (const command of CHAT_COMMANDS) {
      assert.ok(command.title.length > 0 && command.title.length <= 32, `${command.id} title is ${command.title.length} characters`);
      assert.ok(
        command.description.length > 0 && command.description.length <= 128,
        `${command.id} description is ${command.description.length} characters`,
      );
    }
  });

  it('only shows examples that parse to their own command', () => {
    for (const command of CHAT_COMMANDS) {
      assert.ok(command.examples.length > 0);
      for (const example of command.examples) assert.equal(parseChatCommand(example).kind, command.id, example);
    }
  });
});

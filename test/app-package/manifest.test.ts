import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { BOT_ID_PLACEHOLDER, buildManifest, commandListsDrift, manifestCommandLists } from '../../scripts/lib/app-manifest.js';
import { CHAT_COMMANDS } from '../../src/chat/command-words.js';

const root = process.cwd();
const template = JSON.parse(readFileSync(join(root, 'appPackage', 'manifest.json'), 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'schemas', 'teams-manifest-v1.30.schema.json'), 'utf8')) as object;
const BOT_ID = '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c';

function validator() {
  // ajv-draft-04 is CommonJS: under NodeNext its class is the module's `default` property.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  return ajv.compile(schema);
}

const built = () => buildManifest(template, { botId: BOT_ID, version: '1.2.3', commands: CHAT_COMMANDS });

describe('the Teams app manifest', () => {
  it('is valid against the Teams manifest schema v1.30 once the bot id is filled in', () => {
    const validate = validator();
    const ok = validate(built());
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  });

  it('is checked by a validator that does reject invalid manifests', () => {
    const validate = validator();
    assert.equal(validate({ ...built(), manifestVersion: '1.29' }), false);
    assert.equal(validate({ ...built(), accentColor: 'blue' }), false);
    assert.equal(validate(template), false, 'the template itself still has the bot id placeholder');
  });

  it('declares one bot for personal chats, teams and group chats', () => {
    const bots = built().bots as Array<{ botId: string; scopes: string[] }>;
    assert.equal(bots.length, 1);
    assert.equal(bots[0]!.botId, BOT_ID);
    assert.deepEqual([...bots[0]!.scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(built().version, '1.2.3');
  });

  it('has the command menu of the chat command registry (this fails when they drift apart)', () => {
    assert.equal(commandListsDrift(template, CHAT_COMMANDS), undefined);
    const renamed = CHAT_COMMANDS.map((c, i) => (i === 0 ? { ...c, description: 'Something else' } : c));
    assert.match(commandListsDrift(template, renamed) ?? '', /do not match the chat command registry/);
    assert.throws(() => buildManifest(template, { botId: BOT_ID, version: '1.0.0', commands: renamed }), /do not match/);
  });

  it('refuses commands Teams would not show', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ id: `c${i}`, title: `c${i}`, description: 'd', examples: [] }));
    assert.throws(() => manifestCommandLists(many), /at most 10 bot commands/);
    assert.throws(() => manifestCommandLists([{ id: 'x', title: 'x'.repeat(33), description: 'd', examples: [] }]), /longer than 32/);
  });

  it('keeps the bot id as a placeholder in the committed template and names icons that exist', () => {
    assert.equal((template.bots as Array<{ botId: string }>)[0]!.botId, BOT_ID_PLACEHOLDER);
    const icons = template.icons as { color: string; outline: string };
    for (const icon of [icons.color, icons.outline]) assert.ok(existsSync(join(root, 'appPackage', icon)), icon);
  });
});

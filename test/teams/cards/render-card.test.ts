import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CARD_NAMES, DEFAULT_CARDS_DIR, loadCardTemplates, renderCard } from '../../../src/teams/cards.js';

describe('card templates', () => {
  it('exist for every card name, each declaring its schema and version 1.5', () => {
    assert.deepEqual(
      readdirSync(DEFAULT_CARDS_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
      CARD_NAMES.map((n) => `${n}.json`).sort(),
    );
    for (const template of Object.values(loadCardTemplates())) {
      assert.equal((template as { $schema?: string }).$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
      assert.equal((template as { version?: string }).version, '1.5');
    }
  });

  it('fail loudly at start-up when a template is missing or malformed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cards-'));
    assert.throws(() => loadCardTemplates(dir), /card template .*diagnosing\.json cannot be read/);
    for (const name of CARD_NAMES) writeFileSync(join(dir, `${name}.json`), '{"type":"AdaptiveCard"}');
    writeFileSync(join(dir, 'help.json'), '{ not json');
    assert.throws(() => loadCardTemplates(dir), /help\.json cannot be read/);
  });
});

describe('renderCard', () => {
  const template = {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Pod ${pod}' },
      { type: 'TextBlock', $when: '${show}', text: 'shown' },
    ],
  };

  it('inserts data values as text without evaluating expressions inside them', () => {
    const card = renderCard(template, { pod: '${show} @{x} ${1+1}', show: false });
    assert.deepEqual(card.body, [{ type: 'TextBlock', text: 'Pod ${show} @{x} ${1+1}' }]);
  });

  it('drops elements whose $when is false and keeps them when true', () => {
    assert.equal((renderCard(template, { pod: 'a', show: true }).body as unknown[]).length, 2);
  });

  it('refuses a template that does not produce an Adaptive Card', () => {
    assert.throws(() => renderCard({ type: 'Message' }, {}), /did not expand to an AdaptiveCard/);
  });
});

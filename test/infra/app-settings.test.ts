import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONFIG_KEYS } from '../../src/config/index.js';
import { parseBicep, varObjectKeys } from '../support/infra/bicep-declarations.js';
import { INTENTIONALLY_UNSET, PENDING_KEYS } from '../support/infra/app-settings-policy.js';
import { INFRA_DIR } from '../support/infra/infra-files.js';

const difference = (a: Iterable<string>, b: Iterable<string>) => {
  const exclude = new Set(b);
  return [...new Set(a)].filter((x) => !exclude.has(x)).sort();
};

describe('the app settings of the Container App', () => {
  const appSettings = parseBicep(join(INFRA_DIR, 'modules', 'app-settings.bicep'));
  const plain = varObjectKeys(appSettings, 'settings');
  const secret = varObjectKeys(appSettings, 'secretSettings');
  const templateKeys = [...plain, ...secret];

  it('are read from the settings and secretSettings objects of app-settings.bicep', () => {
    assert.ok(plain.includes('AZURE_CREDENTIAL') && plain.includes('STORE_KIND'), `read ${plain.join(', ')}`);
    assert.deepEqual(difference(plain, secret), [...new Set(plain)].sort(), 'a key is either a value or a secret, not both');
    assert.equal(new Set(templateKeys).size, templateKeys.length, 'no key twice');
  });

  it('set every configuration key the code reads, except those documented as intentionally unset', () => {
    const missing = difference(CONFIG_KEYS, [...templateKeys, ...Object.keys(INTENTIONALLY_UNSET)]);
    assert.deepEqual(
      missing,
      [],
      `CONFIG_KEYS has keys the templates do not set: set them in infra/modules/app-settings.bicep, or add them with a reason to INTENTIONALLY_UNSET (test/support/infra/app-settings-policy.ts)`,
    );
  });

  it('set no key the code does not read, except keys of sections still on other branches', () => {
    const unknown = difference(templateKeys, [...CONFIG_KEYS, ...Object.keys(PENDING_KEYS)]);
    assert.deepEqual(unknown, [], 'the templates set keys no code reads: remove them, or declare them in a config section');
  });

  it('keep as pending only keys the code does not read yet', () => {
    const merged = Object.keys(PENDING_KEYS).filter((key) => CONFIG_KEYS.includes(key));
    assert.deepEqual(
      merged,
      [],
      'these keys are now in CONFIG_KEYS: remove them from PENDING_KEYS (test/support/infra/app-settings-policy.ts)',
    );
    const unused = difference(Object.keys(PENDING_KEYS), templateKeys);
    assert.deepEqual(unused, [], 'pending keys must be set by the templates');
  });

  it('leave unset only keys the code reads and the templates really do not set', () => {
    const unset = Object.keys(INTENTIONALLY_UNSET);
    assert.deepEqual(difference(unset, CONFIG_KEYS), [], 'INTENTIONALLY_UNSET names keys the code no longer reads');
    assert.deepEqual(
      unset.filter((key) => templateKeys.includes(key)),
      [],
      'INTENTIONALLY_UNSET names keys the templates set',
    );
  });

  it('choose the managed identity explicitly, never a credential chain that could fall back to something else', () => {
    const source = appSettings.scanned.source;
    assert.match(source, /\n\s+AZURE_CREDENTIAL: 'managed-identity'\n/);
    assert.match(source, /\n\s+AZURE_CLIENT_ID: identityClientId\n/);
    assert.match(source, /\n\s+STORE_KIND: 'azure-blob'\n/);
  });
});

import assert from 'node:assert/strict';
import { permissionMatches, roleGrants } from '../../../src/diagnosis/roles/rbac.js';
import { PULL_ACTION, REPOSITORY_CONTENT_READ } from '../../../src/diagnosis/roles/pull-access.js';
import { ROLE_IDS } from '../../../src/diagnosis/roles/rbac.js';
import { builtInDefinitions, definition } from './role-fixtures.js';

const PULL = 'Microsoft.ContainerRegistry/registries/pull/read';

describe('permissionMatches', () => {
  const rows: Array<[pattern: string, operation: string, expected: boolean, why: string]> = [
    [PULL, PULL, true, 'the exact action'],
    ['microsoft.containerregistry/REGISTRIES/Pull/Read', PULL, true, 'case does not matter'],
    ['*', PULL, true, 'a lone star covers everything'],
    ['*/read', PULL, true, "Reader's */read covers pull/read (the star spans slashes)"],
    ['*/read', 'Microsoft.ContainerRegistry/registries/push/write', false, '*/read covers no write'],
    ['Microsoft.ContainerRegistry/*', PULL, true, 'a provider wildcard'],
    ['Microsoft.ContainerRegistry/*', 'Microsoft.ContainerService/managedClusters/read', false, 'another provider'],
    ['Microsoft.ContainerRegistry/registries/*/read', PULL, true, 'a star in the middle'],
    ['Microsoft.ContainerRegistry/registries/pull/*', PULL, true, 'a trailing star'],
    ['Microsoft.ContainerRegistry/registries/pu*', PULL, true, 'a star inside a segment'],
    [
      'Microsoft.ContainerRegistry/registries/*',
      'Microsoft.ContainerRegistry/registriesX/read',
      false,
      'the literal slash before the star still has to match',
    ],
    ['Microsoft.ContainerRegistry/registries/pull', PULL, false, 'no implicit prefix match'],
    [`${PULL}/`, PULL, false, 'a trailing slash is a different action'],
    ['Microsoft.ContainerRegistry/registries/pull.read', 'Microsoft.ContainerRegistry/registries/pullXread', false, 'a dot is literal'],
    [
      'Microsoft.ContainerRegistry/registries/(pull)/read',
      'Microsoft.ContainerRegistry/registries/(pull)/read',
      true,
      'regex characters are literal',
    ],
    [
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/roleAssignments/write',
      true,
      "Contributor's notAction covers role assignment writes",
    ],
    ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/roleAssignments/read', false, 'but not reads'],
    ['*/action', 'Microsoft.ContainerRegistry/registries/listCredentials/action', true, 'a star prefix'],
    [
      'Microsoft.ContainerRegistry/registries/repositories/*/read',
      'Microsoft.ContainerRegistry/registries/repositories/content/read',
      true,
      'data action wildcard',
    ],
    ['Microsoft.ContainerRegistry/*/content/*', 'Microsoft.ContainerRegistry/registries/repositories/content/read', true, 'two stars'],
    [`  ${PULL} `, PULL, true, 'surrounding blanks are ignored'],
    ['', PULL, false, 'an empty pattern grants nothing'],
    ['*', '', false, 'an empty operation is never granted'],
  ];

  for (const [pattern, operation, expected, why] of rows) {
    it(`${expected ? 'matches' : 'does not match'} "${pattern}" against "${operation}": ${why}`, () => {
      assert.equal(permissionMatches(pattern, operation), expected);
    });
  }
});

describe('roleGrants', () => {
  const builtIns = builtInDefinitions();
  const builtIn = (guid: string) => builtIns.get(`/providers/Microsoft.Authorization/roleDefinitions/${guid}`)!;
  const ids = ROLE_IDS;

  const rows: Array<[name: string, role: ReturnType<typeof builtIn>, operation: string, kind: 'action' | 'dataAction', expected: boolean]> =
    [
      ['AcrPull grants pull/read', builtIn(ids.acrPull), PULL_ACTION, 'action', true],
      ['AcrPull grants no repository data action', builtIn(ids.acrPull), REPOSITORY_CONTENT_READ, 'dataAction', false],
      ['AcrPush grants pull/read', builtIn(ids.acrPush), PULL_ACTION, 'action', true],
      ['AcrDelete does not grant pull/read', builtIn(ids.acrDelete), PULL_ACTION, 'action', false],
      ['Owner grants pull/read through *', builtIn(ids.owner), PULL_ACTION, 'action', true],
      ["Owner's * covers no data action", builtIn(ids.owner), REPOSITORY_CONTENT_READ, 'dataAction', false],
      ['Contributor grants pull/read', builtIn(ids.contributor), PULL_ACTION, 'action', true],
      [
        'Contributor cannot write role assignments (notActions)',
        builtIn(ids.contributor),
        'Microsoft.Authorization/roleAssignments/write',
        'action',
        false,
      ],
      ['Reader grants pull/read through */read', builtIn(ids.reader), PULL_ACTION, 'action', true],
      ['Reader does not grant push/write', builtIn(ids.reader), 'Microsoft.ContainerRegistry/registries/push/write', 'action', false],
      ['User Access Administrator grants pull/read through */read', builtIn(ids.userAccessAdministrator), PULL_ACTION, 'action', true],
      [
        'RBAC Administrator can write role assignments',
        builtIn(ids.roleBasedAccessControlAdministrator),
        'Microsoft.Authorization/roleAssignments/write',
        'action',
        true,
      ],
      [
        'Repository Reader grants content/read',
        builtIn(ids.containerRegistryRepositoryReader),
        REPOSITORY_CONTENT_READ,
        'dataAction',
        true,
      ],
      ['Repository Reader grants no control-plane pull', builtIn(ids.containerRegistryRepositoryReader), PULL_ACTION, 'action', false],
      [
        'Repository Writer grants content/read',
        builtIn(ids.containerRegistryRepositoryWriter),
        REPOSITORY_CONTENT_READ,
        'dataAction',
        true,
      ],
      [
        'Catalog Lister does not grant content/read',
        builtIn(ids.containerRegistryRepositoryCatalogLister),
        REPOSITORY_CONTENT_READ,
        'dataAction',
        false,
      ],
      [
        'Data Importer and Data Reader grants both',
        builtIn(ids.containerRegistryDataImporterAndDataReader),
        REPOSITORY_CONTENT_READ,
        'dataAction',
        true,
      ],
      [
        'a custom role whose notActions exclude pull does not grant it',
        definition('No Pull', {
          actions: ['Microsoft.ContainerRegistry/*'],
          notActions: ['Microsoft.ContainerRegistry/registries/pull/read'],
        }),
        PULL_ACTION,
        'action',
        false,
      ],
      [
        'notActions in one block do not cancel actions of another block',
        definition(
          'Two Blocks',
          { actions: ['Microsoft.ContainerRegistry/*'], notActions: ['*/read'] },
          { actions: ['Microsoft.ContainerRegistry/registries/pull/read'] },
        ),
        PULL_ACTION,
        'action',
        true,
      ],
      [
        'notDataActions exclude data actions',
        definition('No Content', {
          dataActions: ['Microsoft.ContainerRegistry/*'],
          notDataActions: ['Microsoft.ContainerRegistry/registries/repositories/content/*'],
        }),
        REPOSITORY_CONTENT_READ,
        'dataAction',
        false,
      ],
      ['data actions do not count as actions', definition('Data Only', { dataActions: ['*'] }), PULL_ACTION, 'action', false],
      ['a role with no permission blocks grants nothing', definition('Empty'), PULL_ACTION, 'action', false],
    ];

  for (const [name, role, operation, kind, expected] of rows) {
    it(name, () => {
      assert.equal(roleGrants(role, operation, kind), expected);
    });
  }
});

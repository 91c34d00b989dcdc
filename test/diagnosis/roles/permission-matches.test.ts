import assert from 'node:assert/strict';
import { permissionMatches } from '../../../src/diagnosis/roles/index.js';

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
    ['Microsoft.ContainerRegistry/registries/*', 'Microsoft.ContainerRegistry/registriesX/read', false, 'the literal slash before the star still has to match'],
    ['Microsoft.ContainerRegistry/registries/pull', PULL, false, 'no implicit prefix match'],
    [`${PULL}/`, PULL, false, 'a trailing slash is a different action'],
    ['Microsoft.ContainerRegistry/registries/pull.read', 'Microsoft.ContainerRegistry/registries/pullXread', false, 'a dot is literal'],
    ['Microsoft.ContainerRegistry/registries/(pull)/read', 'Microsoft.ContainerRegistry/registries/(pull)/read', true, 'regex characters are literal'],
    ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/roleAssignments/write', true, "Contributor's notAction covers role assignment writes"],
    ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/roleAssignments/read', false, 'but not reads'],
    ['*/action', 'Microsoft.ContainerRegistry/registries/listCredentials/action', true, 'a star prefix'],
    ['Microsoft.ContainerRegistry/registries/repositories/*/read', 'Microsoft.ContainerRegistry/registries/repositories/content/read', true, 'data action wildcard'],
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

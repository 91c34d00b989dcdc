import assert from 'node:assert/strict';
import { evaluateCondition, type ConditionResult } from '../../../src/diagnosis/roles/abac-condition.js';
import { REPOSITORY_CONTENT_READ } from '../../../src/diagnosis/roles/pull-access.js';

const ATTR = '@Request[Microsoft.ContainerRegistry/registries/repositories:name]';
const READS = `!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})`;
/** The shape the Azure portal writes (container-registry-rbac-abac-repository-permissions.md). */
const portal = (expression: string) => `(\n (\n  ${READS}\n )\n OR \n (\n  ${expression}\n )\n)`;

function outcome(result: ConditionResult): boolean | 'unknown' {
  return result.value;
}

describe('evaluateCondition for a pull (content/read) of a repository', () => {
  const rows: Array<[title: string, condition: string, repository: string, expected: boolean | 'unknown']> = [
    ['StringEqualsIgnoreCase allows the named repository', portal(`${ATTR} StringEqualsIgnoreCase 'nginx'`), 'nginx', true],
    ['StringEqualsIgnoreCase ignores case', portal(`${ATTR} StringEqualsIgnoreCase 'Backend/NGINX'`), 'backend/nginx', true],
    ['StringEqualsIgnoreCase refuses another repository', portal(`${ATTR} StringEqualsIgnoreCase 'nginx'`), 'redis', false],
    ['StringEquals is case-sensitive', portal(`${ATTR} StringEquals 'Backend/nginx'`), 'backend/nginx', false],
    [
      'StringStartsWithIgnoreCase allows a repository under the prefix',
      portal(`${ATTR} StringStartsWithIgnoreCase 'backend/'`),
      'backend/api',
      true,
    ],
    [
      'StringStartsWithIgnoreCase with the trailing slash refuses a look-alike',
      portal(`${ATTR} StringStartsWithIgnoreCase 'backend/'`),
      'backend-infra/k8s',
      false,
    ],
    [
      'StringStartsWithIgnoreCase without the slash over-grants, as the docs warn',
      portal(`${ATTR} StringStartsWithIgnoreCase 'backend'`),
      'backendsvc/containers',
      true,
    ],
    [
      'two prefixes joined by OR allow either',
      portal(`${ATTR} StringStartsWithIgnoreCase 'backend/'\n  OR\n  ${ATTR} StringStartsWithIgnoreCase 'frontend/js/'`),
      'frontend/js/react',
      true,
    ],
    [
      'ForAnyOfAnyValues:StringLikeIgnoreCase matches any pattern',
      portal(`${ATTR} ForAnyOfAnyValues:StringLikeIgnoreCase {'team-a/*', 'shared/*'}`),
      'Shared/base',
      true,
    ],
    [
      'ForAnyOfAnyValues:StringLikeIgnoreCase refuses when none match',
      portal(`${ATTR} ForAnyOfAnyValues:StringLikeIgnoreCase {'team-a/*', 'shared/*'}`),
      'team-c/api',
      false,
    ],
    ['StringLike ? matches exactly one character', portal(`${ATTR} StringLike 'svc-?'`), 'svc-1', true],
    ['StringLike ? does not match two characters', portal(`${ATTR} StringLike 'svc-?'`), 'svc-12', false],
    ['an escaped star is literal', portal(`${ATTR} StringLike 'odd\\*name'`), 'oddXname', false],
    ['StringNotStartsWith allows everything else', portal(`${ATTR} StringNotStartsWithIgnoreCase 'secret/'`), 'public/web', true],
    [
      'ForAllOfAllValues:StringNotEquals excludes listed repositories',
      portal(`${ATTR} ForAllOfAllValues:StringNotEquals {'a', 'b'}`),
      'b',
      false,
    ],
    [
      'a condition on writes only does not restrict reads',
      `((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/write'})) OR (${ATTR} StringEquals 'x'))`,
      'y',
      true,
    ],
    [
      '&&, || and NOT are accepted like AND, OR and !',
      `(NOT ActionMatches{'${REPOSITORY_CONTENT_READ}'}) || (${ATTR} StringEquals 'x' && ${ATTR} StringStartsWith 'x')`,
      'x',
      true,
    ],
    [
      'a wildcard in ActionMatches still targets reads',
      `(!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/*'})) OR (${ATTR} StringEquals 'x')`,
      'y',
      false,
    ],
    [
      'another attribute cannot be evaluated',
      portal(`@Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Team] StringEquals 'a'`),
      'a',
      'unknown',
    ],
    ['an environment attribute cannot be evaluated', portal(`@Environment[isPrivateLink] BoolEquals true`), 'a', 'unknown'],
    [
      'an unknown part does not matter when another part of an OR allows',
      portal(`${ATTR} StringEquals 'a'\n OR\n @Environment[isPrivateLink] BoolEquals true`),
      'a',
      true,
    ],
    [
      'an unknown part is unknown when the rest of the OR refuses',
      portal(`${ATTR} StringEquals 'a'\n OR\n @Environment[isPrivateLink] BoolEquals true`),
      'b',
      'unknown',
    ],
    ['AND and OR mixed without parentheses are ambiguous', `${READS} OR ${ATTR} StringEquals 'a'`, 'a', 'unknown'],
    ['a list without a quantifier is not evaluated', portal(`${ATTR} StringEquals {'a', 'b'}`), 'a', 'unknown'],
    ['an unclosed string cannot be parsed', portal(`${ATTR} StringEquals 'a`), 'a', 'unknown'],
    ['unbalanced parentheses cannot be parsed', `((${ATTR} StringEquals 'a')`, 'a', 'unknown'],
    [
      'SubOperationMatches is not evaluated',
      `(!(ActionMatches{'${REPOSITORY_CONTENT_READ}'} AND SubOperationMatches{'Blob.List'})) OR (${ATTR} StringEquals 'z')`,
      'a',
      'unknown',
    ],
  ];

  for (const [title, condition, repository, expected] of rows) {
    it(`${title} (${repository} → ${String(expected)})`, () => {
      assert.equal(outcome(evaluateCondition(condition, { action: REPOSITORY_CONTENT_READ, repository })), expected);
    });
  }

  it('says why a condition is unknown', () => {
    const result = evaluateCondition(portal(`@Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Team] StringEquals 'a'`), {
      action: REPOSITORY_CONTENT_READ,
      repository: 'a',
    });
    assert.equal(result.value, 'unknown');
    assert.match(result.value === 'unknown' ? result.reason : '', /@Principal\[Microsoft\.Directory\/CustomSecurityAttributes\/Id:Team\]/);
  });
});

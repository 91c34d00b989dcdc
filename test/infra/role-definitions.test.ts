import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBicep, varJoinedLiterals } from '../support/infra/bicep-declarations.js';
import { BUILT_IN_ROLE_IDS, FORBIDDEN_ROLES, GRANTABLE_PULL_ROLES, GUID_PATTERN } from '../support/infra/built-in-roles.js';
import { bicepFiles, filesUnder, fromRoot, INFRA_DIR, REPO_ROOT } from '../support/infra/infra-files.js';

interface RoleUse {
  file: string;
  line: number;
  name: string;
  id: string;
}

/** Every GUID in a Bicep file, with the role name its line's comment gives it (`// AcrPull` or `// A, B` for two). */
function roleIdsInTemplates(): RoleUse[] {
  const uses: RoleUse[] = [];
  for (const file of bicepFiles()) {
    const parsed = parseBicep(file);
    const lines = parsed.scanned.source.split('\n');
    lines.forEach((text, index) => {
      const ids = [...text.matchAll(GUID_PATTERN)].map((m) => m[0].toLowerCase());
      if (ids.length === 0) return;
      const comment = parsed.scanned.comments.find((c) => c.line === index + 1)?.text ?? '';
      const names = comment === '' ? [] : comment.split(',').map((n) => n.trim());
      assert.equal(
        names.length,
        ids.length,
        `${fromRoot(file)}:${index + 1}: name each role id in a comment on its line (// <role name>[, <role name>])`,
      );
      ids.forEach((id, i) => uses.push({ file: fromRoot(file), line: index + 1, name: names[i]!, id }));
    });
  }
  return uses;
}

function normaliseCondition(condition: string): string {
  return condition.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
}

/**
 * The form of "Example: Constrain ACR management" in "Examples to delegate Azure role assignment management with
 * conditions" (https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples), with
 * the role and principal-type sets left open (`{@name}`).
 */
const DOCUMENTED_FORM = [
  "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (",
  '@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {@writeRoles}',
  'AND',
  '@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {@writeTypes}',
  ")) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (",
  '@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {@deleteRoles}',
  'AND',
  '@Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {@deleteTypes}',
  '))',
].join(' ');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const CONSTRAIN_ROLES_AND_PRINCIPAL_TYPES = new RegExp(
  '^' + escapeRegExp(normaliseCondition(DOCUMENTED_FORM)).replace(/\\\{@(\w+)\\\}/g, '\\{(?<$1>[^}]*)\\}') + '$',
);

const setOf = (list: string) =>
  list
    .split(',')
    .map((item) =>
      item
        .trim()
        .replace(/^'(.*)'$/, '$1')
        .toLowerCase(),
    )
    .sort();

describe('role definitions in the Bicep templates', () => {
  it('names every role definition id on its line, and each is the id Microsoft publishes for that name', () => {
    const uses = roleIdsInTemplates();
    for (const use of uses) {
      const published = BUILT_IN_ROLE_IDS[use.name];
      assert.ok(published, `${use.file}:${use.line}: "${use.name}" is not a built-in role of the cited table`);
      assert.equal(use.id, published, `${use.file}:${use.line}: ${use.name} is ${published}, not ${use.id}`);
    }
    const used = new Set(uses.map((u) => u.name));
    for (const expected of [
      'Reader',
      'AcrPull',
      'Container Registry Repository Reader',
      'Role Based Access Control Administrator',
      'Azure Kubernetes Service Cluster User Role',
      'Storage Blob Data Contributor',
    ]) {
      assert.ok(used.has(expected), `the templates should use ${expected}`);
    }
  });

  it('never gives the bot Owner or User Access Administrator: their ids appear nowhere in infra/ or docs/', () => {
    const files = [...filesUnder(INFRA_DIR), ...filesUnder(join(REPO_ROOT, 'docs'))];
    assert.ok(files.length > 10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8').toLowerCase();
      for (const role of FORBIDDEN_ROLES) {
        assert.ok(!text.includes(BUILT_IN_ROLE_IDS[role]!), `${fromRoot(file)} contains the id of ${role}`);
      }
    }
  });

  it("assigns every role to a service principal (the bot's managed identity), never to a user or group", () => {
    let assignments = 0;
    for (const file of bicepFiles()) {
      const parsed = parseBicep(file);
      for (const resource of parsed.resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')) {
        assignments++;
        const text = parsed.scanned.source.slice(resource.statement.start, resource.statement.end);
        assert.match(text, /principalType: 'ServicePrincipal'/, `${fromRoot(file)}:${resource.line}: ${resource.symbol}`);
        assert.match(
          text,
          /principalId: principalId\n/,
          `${fromRoot(file)}:${resource.line}: ${resource.symbol} must name the bot's principal`,
        );
      }
    }
    assert.ok(assignments >= 8, `found only ${assignments} role assignments`);
  });

  describe("the condition on the bot's Role Based Access Control Administrator assignment", () => {
    const registryAccess = parseBicep(join(INFRA_DIR, 'modules', 'registry-access.bicep'));
    const condition = normaliseCondition(varJoinedLiterals(registryAccess, 'grantPullRolesOnly'));
    const pullRoleIds = GRANTABLE_PULL_ROLES.map((name) => BUILT_IN_ROLE_IDS[name]!).sort();

    it('has the documented form of "constrain roles and principal types", for both creating and deleting assignments', () => {
      const match = CONSTRAIN_ROLES_AND_PRINCIPAL_TYPES.exec(condition);
      assert.ok(match?.groups, `the condition does not have the documented form:\n${condition}`);
    });

    it('allows exactly AcrPull and Container Registry Repository Reader, and only for service principals', () => {
      const groups = CONSTRAIN_ROLES_AND_PRINCIPAL_TYPES.exec(condition)!.groups!;
      assert.deepEqual(setOf(groups.writeRoles!), pullRoleIds);
      assert.deepEqual(setOf(groups.deleteRoles!), pullRoleIds);
      assert.deepEqual(setOf(groups.writeTypes!), ['serviceprincipal']);
      assert.deepEqual(setOf(groups.deleteTypes!), ['serviceprincipal']);
      const ids = [...condition.matchAll(GUID_PATTERN)].map((m) => m[0].toLowerCase());
      assert.deepEqual([...new Set(ids)].sort(), pullRoleIds, 'no other role id may appear in the condition');
    });

    it('has balanced parentheses', () => {
      let depth = 0;
      for (const c of condition) {
        if (c === '(') depth++;
        if (c === ')') depth--;
        assert.ok(depth >= 0, condition);
      }
      assert.equal(depth, 0, condition);
    });

    it('is set, with condition version 2.0, on the only assignment of a role that can write role assignments', () => {
      const source = registryAccess.scanned.source;
      const conditioned = registryAccess.resources.filter((r) =>
        /roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', rbacAdministratorRoleId\)/.test(
          source.slice(r.statement.start, r.statement.end),
        ),
      );
      assert.equal(conditioned.length, 1);
      const text = source.slice(conditioned[0]!.statement.start, conditioned[0]!.statement.end);
      assert.match(text, /\n\s+condition: grantPullRolesOnly\n/);
      assert.match(text, /\n\s+conditionVersion: '2\.0'\n/);
      assert.match(text, /= if \(mayFix\) \{/, 'only registries the bot may fix get it');
      for (const file of bicepFiles()) {
        const text = readFileSync(file, 'utf8');
        const mentions = text
          .split('\n')
          .filter((line) => line.includes(BUILT_IN_ROLE_IDS['Role Based Access Control Administrator']!) && !line.includes('GuidEquals'));
        if (file.endsWith('registry-access.bicep')) assert.equal(mentions.length, 1, 'declared once, as rbacAdministratorRoleId');
        else assert.deepEqual(mentions, [], `${fromRoot(file)} must not use Role Based Access Control Administrator`);
      }
    });
  });
});

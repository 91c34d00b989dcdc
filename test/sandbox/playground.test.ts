import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import {
  DEFAULT_PLAYGROUND_USER,
  PLAYGROUND_CONFIG_FILE,
  PLAYGROUND_DEFAULT_TENANT_ID,
  PLAYGROUND_OTHER_USERS,
  playgroundConfigYaml,
  sandboxApprovers,
  startPlayground,
} from '../../src/sandbox/playground.js';
import { fixRequestUnavailableIn } from '../../src/teams/fix-approvals.js';

interface PlaygroundConfig {
  tenantId: string;
  currentUser: { name: string; aadObjectId: string };
  users: Array<{ name: string; aadObjectId: string }>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The config the Playground plays when it finds no file: `defaultConfigFileContent` in its dist/index.js. */
function builtInConfig(): PlaygroundConfig {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'dist', 'index.js');
  const literal = /defaultConfigFileContent='((?:[^'\\]|\\.)*)'/.exec(readFileSync(dist, 'utf8'));
  assert.ok(literal, 'the Playground still has its built-in config');
  return parse(JSON.parse(`"${literal[1]!.replace(/"/g, '\\"')}"`) as string) as PlaygroundConfig;
}

describe("the Agents Playground's config", () => {
  const committed = parse(readFileSync(PLAYGROUND_CONFIG_FILE, 'utf8')) as PlaygroundConfig;

  it('is committed at the root as npm start writes it for its default user (so any Playground started in this folder plays the same)', () => {
    assert.deepEqual(committed, parse(playgroundConfigYaml({ currentUser: DEFAULT_PLAYGROUND_USER })));
    assert.equal(PLAYGROUND_CONFIG_FILE, join(process.cwd(), '.m365agentsplayground.yml'));
  });

  it('has a tenant for which Request fix is offered, and people with Entra object ids', () => {
    assert.equal(fixRequestUnavailableIn(committed.tenantId), undefined);
    for (const user of [committed.currentUser, ...committed.users]) assert.match(user.aadObjectId, GUID, user.name);
  });

  it("makes its five other users the sandbox's approvers, never the one who types", () => {
    assert.equal(committed.users.length, 5, "the Playground's schema wants exactly five");
    assert.deepEqual(
      sandboxApprovers().map((a) => a.objectId),
      committed.users.map((u) => u.aadObjectId.toLowerCase()),
    );
    assert.ok(!sandboxApprovers().some((a) => a.objectId === committed.currentUser.aadObjectId.toLowerCase()));
    assert.deepEqual(
      PLAYGROUND_OTHER_USERS.map((u) => u.name),
      committed.users.map((u) => u.name),
    );
  });

  it("knows the Playground's built-in tenant for what it is: not a tenant id, so no Request fix there", () => {
    const builtIn = builtInConfig();
    assert.equal(builtIn.tenantId, PLAYGROUND_DEFAULT_TENANT_ID);
    assert.notEqual(fixRequestUnavailableIn(builtIn.tenantId), undefined);
    assert.doesNotMatch(builtIn.currentUser.aadObjectId, GUID, 'nor are its users Entra identities');
  });

  it('runs on its built-in config only in a folder where it would find no config file', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'pulldoctor-playground-config-'));
    try {
      writeFileSync(join(workDir, '.m365agentsplayground.yml'), playgroundConfigYaml({ currentUser: DEFAULT_PLAYGROUND_USER }));
      await assert.rejects(
        startPlayground({ botUrl: 'http://127.0.0.1:9', workDir, config: 'built-in' }),
        /\.m365agentsplayground\.yml exists: the Playground would read it/,
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});

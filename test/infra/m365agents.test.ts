import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS } from '../../src/config/index.js';
import {
  ACTION_PROPERTIES,
  ACTIONS,
  ALL_ACTIONS,
  ARM_TEMPLATE_PROPERTIES,
  BUILT_IN_VARIABLES,
  ENV_VAR_NAME,
  FILE_PROPERTIES,
  LIFECYCLES,
  SCHEMA_URL,
  SCHEMA_VERSION,
  SECRET_ENV_VAR_NAME,
} from '../support/infra/agents-toolkit-schema.js';
import { PENDING_KEYS } from '../support/infra/app-settings-policy.js';
import { parseBicep } from '../support/infra/bicep-declarations.js';
import { placeholders, readEnvFile } from '../support/infra/env-files.js';
import { REPO_ROOT } from '../support/infra/infra-files.js';
import { PENDING_FILES, PENDING_NPM_SCRIPTS } from '../support/infra/pending-files.js';

interface Action {
  uses: string;
  name?: string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, unknown>;
}

type ProjectFile = Record<string, unknown> & { version?: string } & Partial<Record<(typeof LIFECYCLES)[number], Action[]>>;

/** Each project file and the environments it serves (env/.env.<name>). */
const PROJECT_FILES: Record<string, string[]> = {
  'm365agents.yml': ['dev', 'prod'],
  'm365agents.local.yml': ['local'],
  'm365agents.playground.yml': ['playground'],
};

const packageScripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const gitignore = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim());

function actionsOf(project: ProjectFile): Array<{ lifecycle: string; index: number; action: Action }> {
  return LIFECYCLES.flatMap((lifecycle) => (project[lifecycle] ?? []).map((action, index) => ({ lifecycle, index, action })));
}

/** A path of the project exists, or another branch is adding it (and then it must not exist yet). */
function assertExistsOrPending(path: string, where: string): void {
  const relative = path.replace(/^\.\//, '');
  const pending = Object.keys(PENDING_FILES).find((p) => relative === p || relative.startsWith(`${p}/`));
  const exists = existsSync(join(REPO_ROOT, relative));
  if (pending) assert.ok(!exists, `${pending} is merged now: remove it from PENDING_FILES (test/support/infra/pending-files.ts)`);
  else assert.ok(exists, `${where}: ${path} does not exist`);
}

for (const [fileName, environments] of Object.entries(PROJECT_FILES)) {
  describe(`the Agents Toolkit project file ${fileName}`, () => {
    const text = readFileSync(join(REPO_ROOT, fileName), 'utf8');
    const project = parse(text) as ProjectFile;
    const actions = actionsOf(project);

    it(`parses, and declares schema ${SCHEMA_VERSION} with only the properties it allows`, () => {
      assert.equal(text.split('\n')[0], `# yaml-language-server: $schema=${SCHEMA_URL}`);
      assert.equal(project.version, SCHEMA_VERSION);
      for (const key of Object.keys(project)) assert.ok((FILE_PROPERTIES as readonly string[]).includes(key), `unknown property ${key}`);
      for (const lifecycle of LIFECYCLES)
        if (lifecycle in project) assert.ok(Array.isArray(project[lifecycle]), `${lifecycle} must be a list of actions`);
      assert.ok(actions.length >= 2);
    });

    it('uses only actions of the schema, with the parameters each requires and allows', () => {
      for (const { lifecycle, index, action } of actions) {
        const where = `${lifecycle}[${index}] ${action.uses}`;
        assert.ok((ALL_ACTIONS as readonly string[]).includes(action.uses), `${where}: not an action of schema ${SCHEMA_VERSION}`);
        const shape = ACTIONS[action.uses];
        assert.ok(shape, `${where}: model this action in test/support/infra/agents-toolkit-schema.ts`);
        for (const key of Object.keys(action))
          assert.ok((ACTION_PROPERTIES as readonly string[]).includes(key), `${where}: unknown property ${key}`);
        const given = Object.keys(action.with ?? {});
        for (const key of shape.with.required) assert.ok(given.includes(key), `${where}: with.${key} is required`);
        for (const key of given) assert.ok(shape.with.allowed.includes(key), `${where}: with.${key} is not a parameter of this action`);
        for (const value of Object.values(action.env ?? {})) assert.equal(typeof value, 'string', `${where}: env values are strings`);
        const written = action.writeToEnvironmentFile;
        assert.equal(written !== undefined, shape.writeToEnvironmentFile !== undefined, `${where}: writeToEnvironmentFile`);
        if (written && shape.writeToEnvironmentFile) {
          for (const key of shape.writeToEnvironmentFile.required)
            assert.ok(key in written, `${where}: writeToEnvironmentFile.${key} is required`);
          for (const [key, name] of Object.entries(written)) {
            assert.ok(
              shape.writeToEnvironmentFile.allowed.includes(key),
              `${where}: writeToEnvironmentFile.${key} is not an output of this action`,
            );
            assert.match(String(name), key === 'clientSecret' ? SECRET_ENV_VAR_NAME : ENV_VAR_NAME, `${where}: ${key} -> ${String(name)}`);
          }
        }
        if (action.uses === 'arm/deploy') {
          for (const template of action.with!.templates as Array<Record<string, unknown>>) {
            for (const key of ARM_TEMPLATE_PROPERTIES.required) assert.ok(key in template, `${where}: templates[].${key} is required`);
            for (const key of Object.keys(template))
              assert.ok((ARM_TEMPLATE_PROPERTIES.allowed as readonly string[]).includes(key), `${where}: templates[].${key}`);
          }
        }
      }
    });

    for (const environment of environments) {
      const expand = (value: string) => value.replaceAll('${{TEAMSFX_ENV}}', environment);

      it(`refers, for the ${environment} environment, to templates, parameters files and npm scripts that exist`, () => {
        for (const { lifecycle, index, action } of actions) {
          const where = `${lifecycle}[${index}] ${action.uses}`;
          if (action.uses === 'arm/deploy') {
            for (const template of action.with!.templates as Array<{ path: string; parameters?: string }>) {
              assertExistsOrPending(expand(template.path), where);
              assert.ok(template.parameters, `${where}: give the parameters file of ${template.path}`);
              assertExistsOrPending(expand(template.parameters), where);
            }
          }
          if (action.uses === 'cli/runNpmCommand') {
            const script = /^run\s+([\w:-]+)/.exec(String(action.with!.args))?.[1];
            if (script === undefined) continue;
            if (script in PENDING_NPM_SCRIPTS)
              assert.ok(!(script in packageScripts), `npm script ${script} is merged now: remove it from PENDING_NPM_SCRIPTS`);
            else assert.ok(script in packageScripts, `${where}: package.json has no script ${script}`);
            if (script === 'package') assertExistsOrPending('appPackage/manifest.json', where);
          }
        }
      });

      it(`defines, for the ${environment} environment, every \${{variable}} it and its parameters files use`, () => {
        const envFile = readEnvFile(environment);
        assert.equal(envFile.get('TEAMSFX_ENV'), environment);
        const defined = new Set<string>([...BUILT_IN_VARIABLES, ...envFile.keys()]);
        const used = new Set(placeholders(text));
        for (const { action } of actions) {
          for (const name of Object.values(action.writeToEnvironmentFile ?? {})) defined.add(String(name));
          if (action.uses === 'script')
            for (const m of String(action.with!.run).matchAll(/::set-teamsfx-env ([A-Z][A-Z0-9_]*)=/g)) defined.add(m[1]!);
          if (action.uses === 'arm/deploy') {
            for (const template of action.with!.templates as Array<{ path: string; parameters: string }>) {
              for (const output of parseBicep(join(REPO_ROOT, expand(template.path))).outputs) defined.add(output.name);
              for (const name of placeholders(readFileSync(join(REPO_ROOT, expand(template.parameters)), 'utf8'))) used.add(name);
            }
          }
        }
        const undefinedNames = [...used].filter((name) => !defined.has(name)).sort();
        assert.deepEqual(undefinedNames, [], `define these in env/.env.${environment} (or have an earlier action write them)`);
        for (const name of envFile.keys())
          assert.ok(!name.startsWith('SECRET_'), `env/.env.${environment} is committed: ${name} belongs in env/.env.${environment}.user`);
      });
    }

    it('builds the Teams app package before validating or uploading it', () => {
      for (const lifecycle of LIFECYCLES) {
        const steps = project[lifecycle] ?? [];
        steps.forEach((action, index) => {
          if (!action.uses.startsWith('teamsApp/')) return;
          const packagePath = String(action.with!.appPackagePath);
          assert.equal(packagePath, './appPackage/build/pull-doctor.zip', 'the zip `npm run package` writes');
          assert.ok(gitignore.includes('appPackage/build/'), 'the package is a build output, not committed');
          const built = steps
            .slice(0, index)
            .some(
              (s) =>
                s.uses === 'cli/runNpmCommand' &&
                s.with!.args === 'run package' &&
                (s.env as Record<string, string>).MicrosoftAppId === '${{BOT_ID}}',
            );
          assert.ok(built, `${lifecycle}[${index}] ${action.uses}: run \`npm run package\` with MicrosoftAppId=\${{BOT_ID}} first`);
        });
      }
    });

    it("writes local settings only under the code's configuration keys, into git-ignored files", () => {
      for (const { lifecycle, index, action } of actions.filter((a) => a.action.uses === 'file/createOrUpdateEnvironmentFile')) {
        const target = String(action.with!.target).replace(/^\.\//, '');
        assert.ok(
          gitignore.includes(target) || gitignore.includes('.localConfigs.*'),
          `${lifecycle}[${index}]: ${target} must be git-ignored`,
        );
        const keys = Object.keys(action.with!.envs as Record<string, unknown>);
        const unknown = keys.filter((key) => !CONFIG_KEYS.includes(key) && !(key in PENDING_KEYS));
        assert.deepEqual(unknown, [], `${lifecycle}[${index}]: the code reads none of these`);
      }
    });
  });
}

describe('the Agents Toolkit environments', () => {
  it('keep secrets out of the committed env files and out of git', () => {
    assert.ok(gitignore.includes('env/.env.*.user'), 'the toolkit writes SECRET_ values to env/.env.<name>.user');
    assert.ok(gitignore.includes('.localConfigs'), ".localConfigs holds the local bot's client secret");
  });

  it('deploy to Azure with the managed identity by default in dev and prod', () => {
    for (const environment of ['dev', 'prod']) {
      const parameters = JSON.parse(readFileSync(join(REPO_ROOT, 'infra', `azure.parameters.${environment}.json`), 'utf8')) as {
        parameters: Record<string, { value: unknown }>;
      };
      assert.equal(parameters.parameters.botAppType?.value, 'UserAssignedMSI', environment);
      assert.ok(!('botAppPassword' in parameters.parameters), `${environment}: no client secret with a managed identity`);
    }
  });
});

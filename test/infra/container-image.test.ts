import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBicep } from '../support/infra/bicep-declarations.js';
import { isIgnored, parseDockerfile } from '../support/infra/dockerfile.js';
import { INFRA_DIR, REPO_ROOT } from '../support/infra/infra-files.js';
import { PENDING_FILES } from '../support/infra/pending-files.js';

// The image `atk deploy` builds (az acr build) and the Container App runs. Docker cannot run here: these tests check
// the build's inputs and the image's contract with the templates; the build itself is untested.
describe('the container image of the bot', () => {
  const instructions = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');
  const stages = instructions.filter((i) => i.keyword === 'FROM');

  it('builds on Node 20 in both stages, and runs as the unprivileged node user', () => {
    assert.equal(stages.length, 2);
    for (const stage of stages) assert.match(stage.args, /^node:20-bookworm-slim\b/);
    const runtime = instructions.slice(instructions.indexOf(stages[1]!));
    assert.deepEqual(
      runtime.filter((i) => i.keyword === 'USER').map((i) => i.args),
      ['node'],
    );
    assert.ok(runtime.some((i) => i.keyword === 'ENV' && /NODE_ENV=production/.test(i.args)));
  });

  it('sends the build everything it copies from the context, and nothing secret', () => {
    const copied = instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    assert.ok(copied.includes('src') && copied.includes('package-lock.json'));
    for (const source of copied) {
      assert.equal(isIgnored(dockerignore, source), false, `${source} is copied but .dockerignore leaves it out`);
      if (source in PENDING_FILES) assert.ok(!existsSync(join(REPO_ROOT, source)), `${source} is merged now: remove it from PENDING_FILES`);
      else assert.ok(existsSync(join(REPO_ROOT, source)), `${source} does not exist`);
    }
    for (const secret of [
      '.localConfigs',
      'env/.env.dev.user',
      'env/.env.dev',
      'test/.tls/ca-key.pem',
      '.git/config',
      'node_modules/.package-lock.json',
      'data/local.sqlite',
      'appPackage/build/pull-doctor.zip',
    ]) {
      assert.equal(isIgnored(dockerignore, secret), true, `${secret} must stay out of the build context`);
    }
  });

  it('leaves the sandbox (fake servers for npm start and the tests) out of the build context and the build', () => {
    for (const file of ['src/sandbox/sandbox-world.ts', 'src/sandbox/main.ts', 'src/sandbox/kubernetes-api/fake-kubernetes-api.ts']) {
      assert.ok(existsSync(join(REPO_ROOT, file)), `${file} exists`);
      assert.equal(isIgnored(dockerignore, file), true, `${file} must stay out of the build context`);
    }
    assert.equal(isIgnored(dockerignore, 'src/server/main.ts'), false);
    const build = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { exclude?: string[] };
    assert.deepEqual(build.exclude, ['src/sandbox/**']);
  });

  it('starts the compiled server entry point, on the port the templates route and probe', () => {
    const cmd = instructions.filter((i) => i.keyword === 'CMD');
    assert.deepEqual(
      cmd.map((i) => JSON.parse(i.args) as string[]),
      [['node', '--disable-warning=DEP0111', 'dist/server/main.js']],
    );
    const build = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    assert.deepEqual(
      [build.compilerOptions.rootDir, build.compilerOptions.outDir],
      ['src', 'dist'],
      'dist/server/main.js is built from src/server/main.ts',
    );
    if ('src/server/main.ts' in PENDING_FILES)
      assert.ok(!existsSync(join(REPO_ROOT, 'src/server/main.ts')), 'src/server/main.ts is merged now: remove it from PENDING_FILES');
    const expose = instructions.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args);
    const port = parseBicep(join(INFRA_DIR, 'azure.bicep')).scanned.source.match(/\nparam port int = (\d+)\n/)?.[1];
    assert.deepEqual(expose, [port]);
  });

  it('reads .dockerignore as Docker does: the last matching pattern wins, and a directory pattern covers its files', () => {
    const rules = '*\n!src/\nsrc/**/*.test.ts\n!keep\n';
    assert.equal(isIgnored(rules, 'README.md'), true);
    assert.equal(isIgnored(rules, 'src/server/main.ts'), false);
    assert.equal(isIgnored(rules, 'src/a/b.test.ts'), true);
    assert.equal(isIgnored(rules, 'src/b.test.ts'), true);
    assert.equal(isIgnored(rules, 'keep/inner/file'), false);
  });
});

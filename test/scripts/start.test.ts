import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import {
  chooseStartMode,
  DEFAULT_PLAYGROUND_PORT,
  parseStartOptions,
  portIsFree,
  portTakenLine,
  StartOptionsError,
} from '../../scripts/start.js';

const nothingOnDisk = { fileExists: () => false };

describe('how npm start chooses between the sandbox and the configured cluster', () => {
  it('runs the sandbox when nothing is configured', () => {
    assert.deepEqual(chooseStartMode({ HOME: '/home/dana', PATH: '/usr/bin' }, nothingOnDisk), {
      kind: 'sandbox',
      reason: 'no MicrosoftAppId, no kubeconfig and no PULLDOCTOR_CONFIG',
    });
  });

  it('uses what is configured: a bot identity, a multi-cluster configuration, KUBECONFIG, a pod, or ~/.kube/config', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ MicrosoftAppId: '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c' }, 'MicrosoftAppId is set'],
      [{ PULLDOCTOR_CONFIG: '/etc/pull-doctor/clusters.yaml' }, 'PULLDOCTOR_CONFIG is set'],
      [{ KUBECONFIG: '/tmp/kubeconfig' }, 'KUBECONFIG is set (/tmp/kubeconfig)'],
      [{ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, 'running in a Kubernetes pod'],
    ];
    for (const [env, reason] of cases)
      assert.deepEqual(chooseStartMode({ HOME: '/home/dana', ...env }, nothingOnDisk), { kind: 'configured', reason });
    const withKubeconfig = chooseStartMode({ HOME: '/home/dana' }, { fileExists: (path) => path === '/home/dana/.kube/config' });
    assert.deepEqual(withKubeconfig, { kind: 'configured', reason: '/home/dana/.kube/config exists' });
  });

  it('ignores settings that are set but empty', () => {
    assert.equal(chooseStartMode({ KUBECONFIG: '  ', MicrosoftAppId: '' }, nothingOnDisk).kind, 'sandbox');
  });

  it('runs the sandbox when asked, whatever is configured', () => {
    assert.deepEqual(chooseStartMode({ KUBECONFIG: '/tmp/kubeconfig' }, { forceSandbox: true, ...nothingOnDisk }), {
      kind: 'sandbox',
      reason: '--sandbox was given',
    });
  });
});

describe('what npm start is asked to do', () => {
  it('runs the Playground on 56150 with the logs in files, by default', () => {
    assert.deepEqual(parseStartOptions([], {}), {
      forceSandbox: false,
      verbose: false,
      playground: true,
      playgroundPort: { port: DEFAULT_PLAYGROUND_PORT, chosen: false },
    });
  });

  it('takes --sandbox, --verbose and --no-playground, and PLAYGROUND_PORT and LOG_TO_CONSOLE from the environment', () => {
    assert.deepEqual(parseStartOptions(['--sandbox', '--verbose', '--no-playground'], { PLAYGROUND_PORT: '56200' }), {
      forceSandbox: true,
      verbose: true,
      playground: false,
      playgroundPort: { port: 56200, chosen: true },
    });
    assert.equal(parseStartOptions([], { LOG_TO_CONSOLE: 'true' }).verbose, true);
    assert.equal(parseStartOptions([], { LOG_TO_CONSOLE: 'false' }).verbose, false);
    assert.deepEqual(parseStartOptions([], { PLAYGROUND_PORT: '0' }).playgroundPort, { port: 0, chosen: true });
    assert.deepEqual(parseStartOptions([], { PLAYGROUND_PORT: '  ' }).playgroundPort, { port: DEFAULT_PLAYGROUND_PORT, chosen: false });
  });

  it('lists every problem at once', () => {
    assert.throws(
      () => parseStartOptions(['--sandox'], { PLAYGROUND_PORT: '56150 && rm -rf /', LOG_TO_CONSOLE: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof StartOptionsError);
        const problems = error.message.split('; ');
        assert.equal(problems.length, 3, error.message);
        assert.match(problems[0]!, /^Unknown option '--sandox'.*\(npm start takes --sandbox, --verbose and --no-playground\)$/);
        assert.equal(problems[1], 'PLAYGROUND_PORT must be a whole number (got "56150 && rm -rf /")');
        assert.equal(problems[2], 'LOG_TO_CONSOLE must be true or false (got "loud")');
        return true;
      },
    );
    assert.throws(() => parseStartOptions([], { PLAYGROUND_PORT: '70000' }), /PLAYGROUND_PORT must be between 0 and 65535 \(got 70000\)/);
    assert.throws(() => parseStartOptions(['extra'], {}), /Unexpected argument 'extra'/);
  });
});

describe('a port npm start needs', () => {
  it('is free when nothing listens on it, and taken when something does', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      assert.equal(await portIsFree(port, '127.0.0.1'), false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    assert.equal(await portIsFree(port, '127.0.0.1'), true);
  });

  it('is named in one line that says what to do', () => {
    const bot = portTakenLine('bot', 3990, '127.0.0.1');
    assert.equal(bot.split('\n').length, 1);
    assert.match(bot, /^npm start: port 3990 on 127\.0\.0\.1 is already in use .*: stop that process or set PORT to a free port\.$/);
    assert.match(
      portTakenLine('Playground', 56150, '127.0.0.1'),
      /\(PLAYGROUND_PORT\) is already in use.*set PLAYGROUND_PORT to a free port/,
    );
  });
});

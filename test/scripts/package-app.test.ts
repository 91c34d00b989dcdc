import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZip } from '../support/zip-reader.js';
import { readPngHeader } from '../support/png-reader.js';

const root = process.cwd();

describe('npm run package', function () {
  this.timeout(20_000);

  it('zips the manifest with the bot id from MicrosoftAppId, and both icons, into appPackage/build', () => {
    const botId = 'c0ffee00-1234-4abc-8def-0123456789ab';
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'package-app.ts')], {
      env: { PATH: process.env.PATH, MicrosoftAppId: botId },
      stdio: 'pipe',
    });
    const files = readZip(readFileSync(join(root, 'appPackage', 'build', 'pull-doctor.zip')));
    assert.deepEqual([...files.keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as { bots: Array<{ botId: string }>; version: string };
    assert.equal(manifest.bots[0]!.botId, botId);
    assert.equal(manifest.version, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
    assert.equal(readPngHeader(files.get('outline.png')!).width, 32);
  });

  it('refuses to package without a bot id', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'package-app.ts')], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /set MicrosoftAppId to the bot's Microsoft App ID/);
  });
});

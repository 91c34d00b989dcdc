// `npm run package`: the Teams app package appPackage/build/pull-doctor.zip (manifest.json with the bot id and the
// version filled in, color.png, outline.png). The bot id is MicrosoftAppId from the environment (the Azure Bot
// resource's Microsoft App ID). An entry point: reads process.env.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGuid } from '../src/clients/azure/resource-id.js';
import { CHAT_COMMANDS } from '../src/chat/command-words.js';
import { buildManifest } from './lib/app-manifest.js';
import { zip } from './lib/zip.js';

const root = join(import.meta.dirname, '..');
const appPackage = join(root, 'appPackage');
const botId = process.env.MicrosoftAppId?.trim();
if (!botId || !isGuid(botId)) {
  process.stderr.write(`npm run package: set MicrosoftAppId to the bot's Microsoft App ID (a GUID)${botId ? `; got "${botId}"` : ''}\n`);
  process.exit(2);
}
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const manifest = buildManifest(JSON.parse(readFileSync(join(appPackage, 'manifest.json'), 'utf8')), {
  botId,
  version,
  commands: CHAT_COMMANDS,
});

const out = join(appPackage, 'build', 'pull-doctor.zip');
mkdirSync(join(appPackage, 'build'), { recursive: true });
writeFileSync(
  out,
  zip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: 'color.png', data: readFileSync(join(appPackage, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(appPackage, 'outline.png')) },
  ]),
);
process.stdout.write(`wrote ${out} (bot ${botId}, version ${version})\n`);

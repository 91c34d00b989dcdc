import type { ChatCommandDescription } from '../../src/teams/diagnosis-card-data.js';

/** Placeholder for the bot's Microsoft App ID in appPackage/manifest.json, filled in by `npm run package`. */
export const BOT_ID_PLACEHOLDER = '${{MicrosoftAppId}}';
export const BOT_SCOPES = ['personal', 'team', 'groupChat'] as const;

/** Teams shows at most 10 commands per list; titles up to 32 characters, descriptions up to 128. */
const MAX_COMMANDS = 10;
const MAX_TITLE = 32;
const MAX_DESCRIPTION = 128;

export interface ManifestCommandList {
  scopes: string[];
  commands: Array<{ title: string; description: string }>;
}

/**
 * The bot's command menu, from the chat command registry: the command's title is what Teams inserts in the compose
 * box, its description what the menu shows. One list for every scope the bot is installed in.
 */
export function manifestCommandLists(commands: readonly ChatCommandDescription[]): ManifestCommandList[] {
  if (commands.length > MAX_COMMANDS)
    throw new Error(`Teams shows at most ${MAX_COMMANDS} bot commands; the registry has ${commands.length}`);
  return [
    {
      scopes: [...BOT_SCOPES],
      commands: commands.map((c) => {
        if (c.title.length > MAX_TITLE) throw new Error(`command title "${c.title}" is longer than ${MAX_TITLE} characters`);
        if (c.description.length > MAX_DESCRIPTION)
          throw new Error(`command "${c.title}": description longer than ${MAX_DESCRIPTION} characters`);
        return { title: c.title, description: c.description };
      }),
    },
  ];
}

type Manifest = { version: string; bots: Array<{ botId: string; commandLists?: unknown }>; [key: string]: unknown };

/** Says how the manifest's command lists differ from the registry's, or undefined when they match. */
export function commandListsDrift(manifest: unknown, commands: readonly ChatCommandDescription[]): string | undefined {
  const actual = JSON.stringify((manifest as Manifest).bots?.[0]?.commandLists);
  const expected = JSON.stringify(manifestCommandLists(commands));
  return actual === expected
    ? undefined
    : `appPackage/manifest.json commandLists ${actual} do not match the chat command registry: ${expected}`;
}

/** The manifest to ship: the bot id and the version filled in. Refuses a manifest whose commands drifted. */
export function buildManifest(
  template: unknown,
  options: { botId: string; version: string; commands: readonly ChatCommandDescription[] },
): Manifest {
  const drift = commandListsDrift(template, options.commands);
  if (drift) throw new Error(drift);
  const manifest = structuredClone(template) as Manifest;
  const bot = manifest.bots[0];
  if (!bot || bot.botId !== BOT_ID_PLACEHOLDER) throw new Error(`the manifest template's botId must be ${BOT_ID_PLACEHOLDER}`);
  bot.botId = options.botId;
  manifest.version = options.version;
  return manifest;
}

import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlayground, type Playground, type PlaygroundOptions } from '../../src/sandbox/playground.js';
import { startBot, type BotUnderTest, type StartBotOptions } from './bot.js';
import { launchBrowser, stepKeepingEvidence, type TestBrowser } from './browser.js';
import { PlaygroundPage } from './playground-page.js';

/** Where the end-to-end tests keep their screenshots and the Playground's logs. */
export const E2E_ARTIFACTS = join(process.cwd(), 'test-artifacts', 'e2e');

export interface PlaygroundSessionOptions {
  /** Names the work folder and the Playground log kept in `artifactsDir` (`<name>.log`). */
  name: string;
  /** How the bot starts (its folder is the session's); default: on the sandbox. */
  bot?: Omit<StartBotOptions, 'dir'>;
  /** The Playground's config (default: a file written for its default user); `subDir`: its folder inside the session's. */
  playground?: { config?: PlaygroundOptions['config']; subDir?: string };
  viewport: { width: number; height: number };
  /** Screenshots and evidence of failed steps (default E2E_ARTIFACTS). */
  artifactsDir?: string;
  /** Keep the Playground's log in `artifactsDir` when the session closes (default true). */
  keepLog?: boolean;
  /** Prefix of the evidence files of a failed step (`failure-<prefix><name>.png`). */
  stepPrefix?: string;
  /** Open the Playground in the browser at once (default true). */
  open?: boolean;
}

/** One end-to-end session: the bot, the Microsoft 365 Agents Playground wired to it, and headless Chromium on it. */
export interface PlaygroundSession {
  bot: BotUnderTest;
  playground: Playground;
  browser: TestBrowser;
  ui: PlaygroundPage;
  /** Runs a step; on failure keeps a screenshot, the page and the Playground's output. */
  step(name: string, body: () => Promise<void>): Promise<void>;
  /** Stops the browser, the Playground and the bot, keeps the Playground's log, removes the work folder. */
  close(): Promise<void>;
}

/** Starts a session; what started before a failure is stopped again. */
export async function startPlaygroundSession(options: PlaygroundSessionOptions): Promise<PlaygroundSession> {
  const artifactsDir = options.artifactsDir ?? E2E_ARTIFACTS;
  mkdirSync(artifactsDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), `pulldoctor-${options.name}-`));
  let bot: BotUnderTest | undefined;
  let playground: Playground | undefined;
  let browser: TestBrowser | undefined;
  const close = async () => {
    await browser?.close();
    await playground?.stop();
    if (playground && options.keepLog !== false) copyFileSync(playground.logFile, join(artifactsDir, `${options.name}.log`));
    await bot?.stop(5000);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    bot = await startBot({ sandbox: true, ...options.bot, dir: workDir });
    const sub = options.playground?.subDir;
    playground = await startPlayground({
      botUrl: bot.url,
      workDir: sub === undefined ? workDir : join(workDir, sub),
      ...(options.playground?.config === undefined ? {} : { config: options.playground.config }),
    });
    browser = await launchBrowser({ viewport: options.viewport });
    const ui = new PlaygroundPage(browser.page);
    if (options.open !== false) await ui.open(playground.url);
    const started = { bot, playground, browser };
    return {
      ...started,
      ui,
      step: (name, body) =>
        stepKeepingEvidence(
          {
            name: `${options.stepPrefix ?? ''}${name}`,
            artifactsDir,
            browser: started.browser,
            context: () => `--- Playground output ---\n${started.playground.output()}`,
          },
          body,
        ),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

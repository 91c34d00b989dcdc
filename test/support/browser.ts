import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Debian chromium driven by playwright-core, kept on this machine: a fresh profile, background networking
 * off, every host name but localhost unresolvable, and any request to a non-loopback URL aborted (the Playground's
 * UI asks a CDN for fonts; they fall back to local ones).
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

const LOOPBACK_URL = /^(https?|wss?):\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/;

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Requests that were refused because they left the machine (for diagnostics). */
  refused: string[];
  close(): Promise<void>;
}

export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'pulldoctor-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1400, height: 1000 },
    serviceWorkers: 'block',
  });
  const refused: string[] = [];
  await context.route(
    (url) => !LOOPBACK_URL.test(url.href) && url.protocol !== 'data:' && url.protocol !== 'blob:',
    async (route) => {
      refused.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    refused,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs one step of an end-to-end test; when it fails, keeps a screenshot and the page's HTML in `artifactsDir`
 * (named after the step) and adds `context()` (e.g. the Playground's output) to the error.
 */
export async function stepKeepingEvidence(
  step: { name: string; artifactsDir: string; browser: TestBrowser; context: () => string },
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    await step.browser.page
      .screenshot({ path: join(step.artifactsDir, `failure-${step.name}.png`), fullPage: true })
      .catch(() => undefined);
    writeFileSync(join(step.artifactsDir, `failure-${step.name}.html`), await step.browser.page.content().catch(() => ''));
    throw new Error(`${(error as Error).message}\n${step.context()}`, { cause: error });
  }
}

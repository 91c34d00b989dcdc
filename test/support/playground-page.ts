import type { Locator, Page } from 'playwright-core';

/**
 * The Agents Playground web UI, as a user sees it: the compose box, the conversation, and the Adaptive Cards in it
 * (rendered by the adaptivecards JS renderer: `.ac-adaptiveCard`, buttons with their titles as accessible names).
 */
export class PlaygroundPage {
  /**
   * The activities the bot sent to the Playground (new messages and updates), as the Playground logged them: its UI
   * shows the cards but not the activity around them (`summary`, `text`), which its log stream carries whole.
   */
  readonly botActivities: Array<Record<string, unknown>> = [];

  constructor(readonly page: Page) {
    page.on('websocket', (socket) => {
      if (!socket.url().includes('/_ws/log/')) return;
      socket.on('framereceived', (frame) => {
        const body = botActivityOf(String(frame.payload));
        if (body) this.botActivities.push(body);
      });
    });
  }

  /** The newest activity the bot sent whose card's title line (fallbackText) starts with `title`. */
  activityTitled(title: string): Record<string, unknown> | undefined {
    return this.botActivities.findLast((a) => String(cardOf(a)?.fallbackText ?? '').startsWith(title));
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.composeBox().waitFor({ state: 'visible' });
    // The personal chat is selected when the UI opens; make sure of it.
    await this.page.getByRole('treeitem', { name: 'Personal Chat' }).click();
  }

  /** Switches to a conversation of the left rail: `Personal Chat`, the group chat `On-call`, a channel. */
  async openChat(name: string): Promise<void> {
    await this.page.getByRole('treeitem', { name, exact: false }).first().click();
    await this.composeBox().waitFor({ state: 'visible' });
  }

  composeBox(): Locator {
    return this.page.getByRole('textbox');
  }

  async send(text: string): Promise<void> {
    const box = this.composeBox();
    await box.click();
    await box.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Sends `text` addressed to the bot with an @mention, as a group chat or channel needs (Teams, and the Playground,
   * deliver only messages that mention the bot there): `@` and the start of its name, the suggestion picked.
   */
  async sendMentioning(botName: string, text: string): Promise<void> {
    const box = this.composeBox();
    await box.click();
    await box.fill('');
    await this.page.keyboard.type(`@${botName.split(' ')[0]}`);
    await this.page.getByRole('menuitem', { name: botName }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.keyboard.press('Enter');
  }

  /** Every Adaptive Card in the conversation. */
  cards(): Locator {
    return this.page.locator('.ac-adaptiveCard');
  }

  /** The newest card whose text includes `text`. */
  card(text: string): Locator {
    return this.cards().filter({ hasText: text }).last();
  }

  /**
   * The newest card whose text includes every one of `texts`: a diagnosis by its title and its status line, say, when
   * the title alone is also quoted by another card (the approval card's Why is the diagnosis title).
   */
  cardWith(...texts: [string, ...string[]]): Locator {
    return texts.reduce((cards, text) => cards.filter({ hasText: text }), this.cards()).last();
  }

  button(card: Locator, title: string): Locator {
    return card.getByRole('button', { name: title, exact: true });
  }
}

/** The Adaptive Card an activity carries, if any. */
export function cardOf(activity: Record<string, unknown>): Record<string, unknown> | undefined {
  const attachments = activity.attachments as Array<{ contentType?: string; content?: Record<string, unknown> }> | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** From a frame of the Playground's log stream, the body of an activity the bot sent it (a message or an update). */
function botActivityOf(payload: string): Record<string, unknown> | undefined {
  let frame: { logAction?: string; log?: { from?: string; request?: { body?: unknown } } };
  try {
    frame = JSON.parse(payload) as typeof frame;
  } catch {
    return undefined;
  }
  const body = frame.logAction === 'appendLog' && frame.log?.from === 'User Application' ? frame.log.request?.body : undefined;
  return body && typeof body === 'object' && (body as { type?: unknown }).type === 'message'
    ? (body as Record<string, unknown>)
    : undefined;
}

import type { Locator, Page } from 'playwright-core';

/**
 * The Agents Playground web UI, as a user sees it: the compose box, the conversation, and the Adaptive Cards in it
 * (rendered by the adaptivecards JS renderer: `.ac-adaptiveCard`, buttons with their titles as accessible names).
 */
export class PlaygroundPage {
  constructor(readonly page: Page) {}

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

  button(card: Locator, title: string): Locator {
    return card.getByRole('button', { name: title, exact: true });
  }
}

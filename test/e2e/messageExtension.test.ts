/**
 * The message extension in a real client: `npm run playground`'s script starts the local Q
 * service, the bot and the Agents Playground; headless Chromium types a question into the search
 * command character by character (the playground sends a query per keystroke), inserts the answer
 * card, sends it, rates it 👍, and runs "Ask Q about this message" from a message's … menu.
 * The local Q must have answered once per question, as the playground's user, and recorded the
 * vote. Screenshots go to test-results/ (the README's come from here).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { openPlayground, RESULTS, skipWithoutChromium, type PlaygroundInBrowser } from '../helpers/playgroundInBrowser';
import { idcUserIdOf } from '../helpers/stack';
import { ADA } from '../helpers/teamsActivities';

describe('message extension in the Agents Playground (headless Chromium)', function () {
  this.timeout(180000);
  let playground: PlaygroundInBrowser | undefined;
  let page: Page;
  let qUrl: string;

  before(async function () {
    skipWithoutChromium(this);
    playground = await openPlayground({ viewport: { width: 1400, height: 1000 }, startTimeoutMs: 120000 });
    ({ page, qUrl } = playground);
    await page.locator('div[contenteditable="true"][role="textbox"]').waitFor({ timeout: 30000 });
    await page.getByText('Project Falcon').click();
  });

  after(() => playground?.close());

  const localQ = async (path: string): Promise<any> => (await fetch(`${qUrl}${path}`)).json();

  it('search command: typed character by character, Q asked once; the inserted card is sent and rated 👍 by the asker', async () => {
    const question = 'What is the travel expense policy?';
    await page.getByRole('button', { name: 'Trigger Message Extension App' }).click();
    await page.getByText('Search Command').click();
    const search = page.getByPlaceholder('Enter a search term');
    await search.click();
    await search.pressSequentially(question, { delay: 40 });
    // The local Q takes longer than Teams waits (its paced answer): "still working", then the
    // answer from the cache on a later keystroke, as in Teams.
    const item = page.getByText(question, { exact: true });
    for (let attempt = 0; attempt < 20 && (await item.count()) === 0; attempt += 1) {
      await page.getByText(/Still working|Keep typing/).first().waitFor({ timeout: 10000 }).catch(() => undefined);
      await page.waitForTimeout(1500);
      await search.press('Space');
      await page.waitForTimeout(800);
      if ((await item.count()) > 0) break;
      await search.press('Backspace');
    }
    await item.waitFor({ timeout: 10000 });
    await page.screenshot({ path: resolve(RESULTS, 'message-extension-search.png') });
    const { calls } = await localQ('/_local/calls?operation=ChatSync');
    assert.deepEqual(calls.map((call: any) => [call.body.userMessage, call.principal]), [[question, idcUserIdOf(ADA)]], 'one Q call for the whole question, as the person');

    await item.click();
    await page.getByRole('button', { name: 'Send Message' }).click();
    const card = page.locator('.ac-adaptiveCard', { hasText: /Only Ada Lovelace can rate[\s\S]*Rate this answer|Rate this answer[\s\S]*Only Ada Lovelace/ }).last();
    await card.waitFor({ timeout: 15000 });
    assert.match((await card.textContent()) ?? '', /220 EUR[\s\S]*Sources/);
    await card.getByRole('button', { name: 'Rate this answer' }).click();
    const rating = page.locator('.ac-adaptiveCard', { hasText: /👍 Helpful/ }).last();
    await rating.waitFor({ timeout: 15000 });
    await rating.getByRole('button', { name: '👍 Helpful' }).click();
    await page.locator('.ac-adaptiveCard', { hasText: 'You rated this answer as helpful' }).last().waitFor({ timeout: 15000 });
    await page.screenshot({ path: resolve(RESULTS, 'message-extension-inserted.png') });
    const { conversations } = await localQ('/_local/conversations');
    const answered = conversations.find((conversation: any) => conversation.messages.some((message: any) => message.body === question));
    const systemMessage = answered.messages.find((message: any) => message.type === 'SYSTEM');
    const { feedback } = await localQ('/_local/feedback');
    assert.deepEqual(
      feedback.map((call: any) => [call.principal, call.conversationId, call.messageId, call.body.messageUsefulness.usefulness]),
      [[idcUserIdOf(ADA), answered.conversationId, systemMessage.messageId, 'USEFUL']],
    );
  });

  it('action command: "Ask Q about this message" from a message’s … menu opens the dialog with its text and inserts the answer', async () => {
    const input = page.locator('div[contenteditable="true"][role="textbox"]');
    await input.click();
    await input.fill('Grace, do you know how to reset a VPN token? Mine expired this morning.');
    await page.getByRole('button', { name: 'Send Message' }).click();
    const sent = page.getByText('Grace, do you know how to reset a VPN token?').last();
    await sent.waitFor({ timeout: 10000 });
    await sent.hover();
    await page.getByRole('button', { name: 'Show more information' }).last().click();
    await page.getByRole('menuitem', { name: 'Action Command' }).click();
    await page.getByPlaceholder('Input command id or leave blanks').fill('askQAboutMessage');
    await page.getByRole('button', { name: 'Create' }).click();
    const dialog = page.locator('.ac-adaptiveCard', { hasText: 'Ask Amazon Q Business about this message' }).last();
    await dialog.waitFor({ timeout: 15000 });
    assert.equal(await dialog.locator('textarea').inputValue(), 'Grace, do you know how to reset a VPN token? Mine expired this morning.');
    await page.screenshot({ path: resolve(RESULTS, 'message-extension-action.png') });

    const inserted = page.locator('.ac-adaptiveCard', { hasText: /Answer for Ada Lovelace[\s\S]*corp-cli/ });
    for (let attempt = 0; attempt < 10 && (await inserted.count()) === 0; attempt += 1) {
      const ask = page.locator('.ac-adaptiveCard').last().getByRole('button', { name: 'Ask Q' });
      if ((await ask.count()) > 0) await ask.click();
      await inserted.first().waitFor({ timeout: 6000 }).catch(() => undefined);
    }
    await inserted.first().waitFor({ timeout: 5000 });
    await page.screenshot({ path: resolve(RESULTS, 'message-extension-action-inserted.png') });
    const { calls } = await localQ('/_local/calls?operation=ChatSync');
    assert.deepEqual(calls.slice(1).map((call: any) => call.body.userMessage), ['Grace, do you know how to reset a VPN token? Mine expired this morning.']);
  });
});

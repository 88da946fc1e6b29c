/**
 * End to end in a real client: `npm run playground`'s script starts the local Q service, the bot
 * and the Microsoft 365 Agents Playground; headless Chromium asks a question, votes 👍 then 👎
 * with a reason, and the local Q service must have recorded both PutFeedback calls for the
 * conversation and message that produced the answer. Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { openPlayground, RESULTS, skipWithoutChromium, type PlaygroundInBrowser } from '../helpers/playgroundInBrowser';
import { idcUserIdOf } from '../helpers/stack';
import { ADA } from '../helpers/teamsActivities';

describe('end to end in the Agents Playground (headless Chromium)', function () {
  this.timeout(120000);
  let playground: PlaygroundInBrowser | undefined;
  let page: Page;
  let qUrl: string;

  before(async function () {
    skipWithoutChromium(this);
    playground = await openPlayground({ viewport: { width: 1400, height: 1100 }, startTimeoutMs: 90000 });
    ({ page, qUrl } = playground);
  });

  after(() => playground?.close());

  const localQ = async (path: string): Promise<any> => (await fetch(`${qUrl}${path}`)).json();

  it('streams the answer in the 1:1 chat (a growing bubble), ends with a cited answer card, and records 👍 and 👎 with a reason in Q', async () => {
    const input = page.locator('div[contenteditable="true"][role="textbox"]');
    await input.waitFor({ timeout: 30000 });
    await input.click();
    await input.fill('How do I reset my VPN token?');
    await page.locator('button[aria-label="Send Message"]').click();

    // While Q writes (the local Q paces its answer), the playground shows one bubble whose text grows.
    const bubble = page.locator('.fai-OutputCard', { hasText: 'When to reset your VPN token' }).last();
    await bubble.waitFor({ timeout: 30000 });
    const finished = page.locator('.ac-adaptiveCard', { hasText: /Sources/ });
    const samples: string[] = [];
    while ((await finished.count()) === 0 && samples.length < 2) {
      const text = (await bubble.textContent()) ?? '';
      if (text.length > (samples.at(-1)?.length ?? 0)) samples.push(text);
      await new Promise((done) => setTimeout(done, 200));
    }
    assert.equal(samples.length, 2, 'the bubble grew before the card arrived');
    // The playground draws a typing cursor ("|") at the end of a growing bubble.
    const earlier = (samples[0] ?? '').replace(/[|\s]+$/, '');
    assert.ok(samples[1]?.startsWith(earlier), `the grown text continues the earlier text: ${JSON.stringify(samples)}`);
    assert.doesNotMatch(samples[1] ?? '', /\*\*|```|#{2,}/, 'streamed markdown is rendered, never raw');
    await page.screenshot({ path: resolve(RESULTS, 'streaming.png') });

    const answer = page.locator('.ac-adaptiveCard', { hasText: /Sources/ }).last();
    await answer.waitFor({ timeout: 30000 });
    const text = (await answer.textContent()) ?? '';
    assert.match(text, /Select Reset token/);
    assert.match(text, /\[1\]/);
    assert.match(text, /Resetting your VPN token/);
    assert.doesNotMatch(text, /##|```|\|\s*---/, 'no raw markdown');
    await answer.screenshot({ path: resolve(RESULTS, 'answer-card.png') });

    await answer.getByRole('button', { name: '👍 Helpful' }).click();
    const rated = page.locator('.ac-adaptiveCard', { hasText: 'You rated this answer as helpful' }).last();
    await rated.waitFor({ timeout: 15000 });

    await rated.getByRole('button', { name: '👎 Change to not helpful' }).click();
    const form = page.locator('.ac-adaptiveCard', { hasText: 'What was wrong with this answer?' }).last();
    await form.waitFor({ timeout: 15000 });
    // Filled until the values hold. The re-render once seen under the pointer here (choice and
    // comment lost) came from the bot replacing the message with the form as well; it no longer does
    // (test/integration/feedback.test.ts), and the loop stays as a guard against the playground's own.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await form.getByRole('combobox').click();
      await page.getByRole('option', { name: 'Incorrect or missing sources' }).click();
      await form.locator('textarea').fill('The portal address has changed.');
      await new Promise((done) => setTimeout(done, 500));
      const chosen = (await form.getByRole('combobox').textContent()) ?? '';
      if (/Incorrect or missing sources/.test(chosen) && (await form.locator('textarea').inputValue()) === 'The portal address has changed.') break;
    }
    await form.screenshot({ path: resolve(RESULTS, 'feedback-form.png') });
    await form.getByRole('button', { name: 'Send feedback' }).click();
    const recorded = page.locator('.ac-adaptiveCard', { hasText: 'not helpful: Incorrect or missing sources' }).last();
    await recorded.waitFor({ timeout: 15000 });
    await page.screenshot({ path: resolve(RESULTS, 'playground.png') });

    const { conversations } = await localQ('/_local/conversations');
    assert.equal(conversations.length, 1);
    // The playground's user (Ada, .m365agentsplayground.yml) was signed in through the local issuer,
    // Identity Center and STS: Q saw her identity, not the bot's.
    assert.equal(conversations[0].principal, idcUserIdOf(ADA));
    const systemMessage = conversations[0].messages.find((message: { type: string }) => message.type === 'SYSTEM');
    const { feedback } = await localQ('/_local/feedback');
    assert.ok(feedback.every((call: any) => call.principal === idcUserIdOf(ADA)));
    assert.deepEqual(
      feedback.map((call: any) => [call.conversationId, call.messageId, call.body.messageUsefulness.usefulness, call.body.messageUsefulness.reason, call.body.messageUsefulness.comment]),
      [
        [conversations[0].conversationId, systemMessage.messageId, 'USEFUL', 'HELPFUL', undefined],
        [conversations[0].conversationId, systemMessage.messageId, 'NOT_USEFUL', 'INCORRECT_OR_MISSING_SOURCES', 'The portal address has changed.'],
      ],
    );
  });

  /** Types a message that @mentions the bot through the playground's mention picker, then sends it. */
  async function mentionBot(editor: ReturnType<Page['locator']>, question: string, send: ReturnType<Page['locator']>): Promise<void> {
    await editor.click();
    await editor.type('@');
    await page.getByRole('menuitem', { name: 'Amazon Q Business' }).click();
    await editor.type(` ${question}`);
    await send.click();
  }

  it('answers a mention in a group chat privately (placeholder, "Show me the answer", Share), and a scoped channel for everyone', async () => {
    await page.getByText('Project Falcon').click();
    await mentionBot(page.locator('div[contenteditable="true"][role="textbox"]').first(), 'What are the hotel limits in Europe?', page.locator('button[aria-label="Send Message"]'));
    // The thread shows who asked what, and that the answer is Ada's until she shares it.
    const placeholder = page.locator('.ac-adaptiveCard', { hasText: /Ada Lovelace asked:[\s\S]*only Ada Lovelace can see it/ }).last();
    await placeholder.waitFor({ timeout: 30000 });
    assert.doesNotMatch((await placeholder.textContent()) ?? '', /220 EUR|Business travel policy/, 'no answer in the thread');
    await page.screenshot({ path: resolve(RESULTS, 'shared-space-placeholder.png') });
    // The playground does not honour refresh.userIds: Ada presses "Show me the answer".
    await placeholder.getByRole('button', { name: 'Show me the answer' }).click();
    const own = page.locator('.ac-adaptiveCard', { hasText: /Only you can see this answer[\s\S]*220 EUR/ }).last();
    await own.waitFor({ timeout: 15000 });
    await page.screenshot({ path: resolve(RESULTS, 'shared-space-private.png') });
    await own.getByRole('button', { name: 'Share with everyone here' }).click();
    const shared = page.locator('.ac-adaptiveCard', { hasText: /Shared by Ada Lovelace[\s\S]*220 EUR/ }).last();
    await shared.waitFor({ timeout: 15000 });
    await page.screenshot({ path: resolve(RESULTS, 'shared-space-shared.png') });

    // A channel scoped to the HR and finance documents, which everyone there may see: answered for all, and says what it searched.
    await page.getByText('General').first().click();
    await mentionBot(page.locator('div[contenteditable="true"]').first(), 'How many days of annual leave do I get?', page.getByRole('button', { name: 'Post' }));
    const scoped = page.locator('.ac-adaptiveCard', { hasText: /Answer for Ada Lovelace[\s\S]*25 days[\s\S]*Searched: HR and finance policies/ }).last();
    await scoped.waitFor({ timeout: 30000 });
    await page.screenshot({ path: resolve(RESULTS, 'shared-space-scoped.png') });

    const { calls } = await localQ('/_local/calls?operation=ChatSync');
    const asked = calls.map((call: any) => [call.body.userMessage, call.principal, call.body.attributeFilter]);
    assert.deepEqual(asked.slice(-2), [
      ['What are the hotel limits in Europe?', idcUserIdOf(ADA), undefined],
      ['How many days of annual leave do I get?', idcUserIdOf(ADA), { equalsTo: { name: '_data_source_id', value: { stringValue: 'hr-finance-sharepoint' } } }],
    ]);
  });
});

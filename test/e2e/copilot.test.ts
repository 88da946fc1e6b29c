/**
 * The Copilot path end to end in a real client: `npm run playground -- --copilot` marks the
 * playground's 1:1 chat as Microsoft 365 Copilot Chat marks a custom engine agent's turns; headless
 * Chromium asks a question, sees the streamed answer end in the cited card, votes 👍, and the
 * local Q records the vote. The screenshot is docs/images/copilot.png (copied from test-results/).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { openPlayground, RESULTS, skipWithoutChromium, type PlaygroundInBrowser } from '../helpers/playgroundInBrowser';

describe('end to end: the Copilot-shaped conversation in the Agents Playground (headless Chromium)', function () {
  this.timeout(120000);
  let playground: PlaygroundInBrowser | undefined;

  before(async function () {
    skipWithoutChromium(this);
    playground = await openPlayground({ viewport: { width: 1100, height: 1000 }, startTimeoutMs: 90000, copilot: true });
  });

  after(() => playground?.close());

  it('streams the answer, ends with the cited card, and records the 👍 in Q', async () => {
    const { page, qUrl } = playground as PlaygroundInBrowser;
    const input = page.locator('div[contenteditable="true"][role="textbox"]');
    await input.waitFor({ timeout: 30000 });
    await input.click();
    await input.fill('How do I reset my VPN token?');
    await page.locator('button[aria-label="Send Message"]').click();

    const answer = page.locator('.ac-adaptiveCard', { hasText: /Sources/ }).last();
    await answer.waitFor({ timeout: 30000 });
    const text = (await answer.textContent()) ?? '';
    assert.match(text, /Select Reset token/);
    assert.match(text, /\[1\]/);
    const output = (playground as PlaygroundInBrowser).output();
    assert.match(output, /Copilot: +the 1:1 chat reaches the bot as Microsoft 365 Copilot Chat/);
    assert.match(output, /\[copilot\] message → bot as Microsoft 365 Copilot Chat/, 'the question went through the Copilot relay');
    await page.screenshot({ path: resolve(RESULTS, 'copilot.png') });

    await answer.getByRole('button', { name: '👍 Helpful' }).click();
    await page.locator('.ac-adaptiveCard', { hasText: 'You rated this answer as helpful' }).last().waitFor({ timeout: 15000 });
    assert.match((playground as PlaygroundInBrowser).output(), /\[copilot\] invoke adaptiveCard\/action → bot as Microsoft 365 Copilot Chat/);
    const { feedback } = (await (await fetch(`${qUrl}/_local/feedback`)).json()) as { feedback: Array<{ body: { messageUsefulness: { usefulness: string } } }> };
    assert.deepEqual(feedback.map((call) => call.body.messageUsefulness.usefulness), ['USEFUL']);
  });
});

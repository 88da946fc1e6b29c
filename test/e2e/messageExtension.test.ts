/**
 * The message extension in a real client: `npm run playground`'s script starts the local Q
 * service, the bot and the Agents Playground; headless Chromium types a question into the search
 * command character by character (the playground sends a query per keystroke), inserts the answer
 * card, sends it, rates it 👍, and runs "Ask Q about this message" from a message's … menu.
 * The local Q must have answered once per question, as the playground's user, and recorded the
 * vote. Screenshots go to test-results/ (the README's come from here).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../helpers/botProcess';
import { idcUserIdOf } from '../helpers/stack';
import { ADA } from '../helpers/teamsActivities';

const ROOT = resolve(__dirname, '../../..');
const RESULTS = resolve(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('message extension in the Agents Playground (headless Chromium)', function () {
  this.timeout(180000);
  let playground: ChildProcess | undefined;
  let output = '';
  let browser: Browser | undefined;
  let page: Page;
  let qUrl: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.REQUIRE_E2E) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
      console.warn(`      (skipped: no Chromium at ${CHROMIUM}; install it with apt-get install chromium, or set CHROMIUM_PATH)`);
      this.skip();
    }
    const [botPort, qPort, playgroundPort] = [await freePort(), await freePort(), await freePort()];
    qUrl = `http://127.0.0.1:${qPort}`;
    playground = spawn(process.execPath, ['scripts/playground.js', '--skip-install', '--bot-port', String(botPort), '--q-port', String(qPort), '--playground-port', String(playgroundPort)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    playground.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    playground.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120000;
    while (!output.includes('Everything is running')) {
      if (Date.now() > deadline || playground.exitCode !== null) throw new Error(`playground did not start:\n${output}`);
      await new Promise((done) => setTimeout(done, 250));
    }
    mkdirSync(RESULTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.route('**/*', (route) => (['localhost', '127.0.0.1'].includes(new URL(route.request().url()).hostname) ? route.continue() : route.abort()));
    await page.goto(`http://localhost:${playgroundPort}`);
    await page.locator('div[contenteditable="true"][role="textbox"]').waitFor({ timeout: 30000 });
    await page.getByText('Project Falcon').click();
  });

  after(async () => {
    await browser?.close();
    if (playground && playground.exitCode === null) {
      playground.kill('SIGTERM');
      await new Promise((done) => playground?.once('exit', done));
    }
  });

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

/**
 * A meeting recap seen in the Agents Playground (headless Chromium): the playground has no meeting
 * chats, so the meeting-chat activity ("@Amazon Q Business recap" with `channelData.meeting.id`)
 * is sent through its own custom-activity API into the Project Falcon group chat; the bot finds the
 * meeting in the local services (DEV_TEAMS_MEETING_API_URL), reads the transcript from the local
 * Graph and answers with the recap card. Its screenshot is docs/images/meeting-recap.png.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { SAMPLE_TEAMS_MEETING_ID } from '../../localdev/graph/meetings';
import { openPlayground, RESULTS, skipWithoutChromium, type PlaygroundInBrowser } from '../helpers/playgroundInBrowser';

const GROUP_CHAT = '19:local-group-chat@thread.v2';
const TENANT = '5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e';
const BOT = { id: '28:q-business-local-bot', name: 'Amazon Q Business' };

/** What Teams sends for "@Amazon Q Business <text>" in a meeting's chat (as documented in docs/developing.md). */
function meetingChatMessage(playgroundUrl: string, text: string): Record<string, unknown> {
  return {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: `${playgroundUrl}/_connector`,
    recipient: BOT,
    conversation: { id: GROUP_CHAT, isGroup: true, conversationType: 'groupChat', tenantId: TENANT },
    from: { id: '29:local-user-ada', name: 'Ada Lovelace', aadObjectId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
    text: `<at>${BOT.name}</at> ${text}`,
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
    channelData: { tenant: { id: TENANT }, meeting: { id: SAMPLE_TEAMS_MEETING_ID } },
  };
}

describe('meeting recap in the Agents Playground (headless Chromium)', function () {
  this.timeout(180000);
  let playground: PlaygroundInBrowser | undefined;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    playground = await openPlayground({ viewport: { width: 1400, height: 1300 }, startTimeoutMs: 90000 });
    ({ page } = playground);
  });

  after(() => playground?.close());

  async function sendInMeeting(text: string): Promise<void> {
    const origin = new URL(page.url()).origin;
    const status = await page.evaluate(async ([url, body]) => (await fetch(url as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body as string })).status, [`${origin}/_internal/v1/customActivities`, JSON.stringify(meetingChatMessage(origin, text))]);
    assert.equal(status, 200);
  }

  it('shows the recap card: decisions, action items, open questions and the travel policy it disagrees with, cited', async () => {
    await page.getByText('Project Falcon').click();
    // First message signs Ada in (the playground's development sign-in); the recap then follows.
    await sendInMeeting('What is the hotel limit in the United States?');
    await page.locator('.ac-adaptiveCard', { hasText: /only Ada Lovelace can see it/ }).last().waitFor({ timeout: 30000 });
    await sendInMeeting('recap');
    // Private until shared, like any answer in a shared space: the chat shows a placeholder, Ada opens her recap.
    const placeholder = page.locator('.ac-adaptiveCard', { hasText: /Ada Lovelace asked:[\s\S]*recap[\s\S]*only Ada Lovelace can see it/ }).last();
    await placeholder.waitFor({ timeout: 30000 });
    assert.doesNotMatch((await placeholder.textContent()) ?? '', /Decisions|book the hotel/, 'no recap in the chat');
    await placeholder.getByRole('button', { name: 'Show me the answer' }).click();
    const recap = page.locator('.ac-adaptiveCard', { hasText: /Only you can see this answer[\s\S]*Decisions[\s\S]*Action items[\s\S]*Sources/ }).last();
    await recap.waitFor({ timeout: 30000 });
    const text = (await recap.textContent()) ?? '';
    assert.match(text, /I'll book the hotel block by Friday/);
    assert.match(text, /250 USD/);
    assert.match(text, /Business travel policy/);
    await recap.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(RESULTS, 'meeting-recap.png') });
  });
});

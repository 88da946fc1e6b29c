/**
 * Meeting recaps through HTTP: "@Q recap" in a meeting chat → Teams' meeting API (fake connector)
 * → Microsoft Graph's transcript endpoints (local double, app-only token from the local Entra
 * issuer with the managed identity's token as client assertion, no secret) → Q ChatSync as the
 * asker with the transcript attached once; follow-ups in the same Q conversation; each way it can
 * fail → its card; no transcript text in the logs; a 2-hour transcript within Q's limits.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LOCAL_MI_CLIENT_ID, LOCAL_MI_PATH } from '../../localdev/identity/managedIdentity';
import { MS_GRAPH_PREFIX, SAMPLE_GRAPH_MEETING_ID, SAMPLE_MEETING_CHAT_ID, SAMPLE_MEETING_ORGANIZER_ID, SAMPLE_TEAMS_MEETING_ID } from '../../localdev/graph/meetings';
import { RECAP_PROMPT } from '../../src/features/meetingRecap/meetingRecap';
import { cardOf, cardTexts, idcUserIdOf, startStack, suiteStack, type Stack } from '../helpers/stack';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/telemetryReceivers';
import type { LocalServices } from '../../localdev/server';
import { ADA, execute, GRACE, GROUP_CHAT, mention, teamsUser } from '../helpers/teamsActivities';

const HOUR = 60 * 60 * 1000;

/** Teams' meeting details for the sample meeting (GET /v1/meetings/{id}), ended `endedAgoMs` ago. */
function meetingInfo(endedAgoMs = 2 * HOUR, type = 'Scheduled'): Record<string, unknown> {
  return {
    details: {
      id: SAMPLE_TEAMS_MEETING_ID,
      msGraphResourceId: SAMPLE_GRAPH_MEETING_ID,
      scheduledStartTime: new Date(Date.now() - endedAgoMs - HOUR).toISOString(),
      scheduledEndTime: new Date(Date.now() - endedAgoMs).toISOString(),
      joinUrl: 'https://teams.microsoft.com/l/meetup-join/sample',
      title: 'Berlin offsite planning',
      type,
    },
    conversation: { id: SAMPLE_MEETING_CHAT_ID, isGroup: true, conversationType: 'groupChat' },
    organizer: { id: '29:organizer', aadObjectId: SAMPLE_MEETING_ORGANIZER_ID, tenantId: 'local' },
  };
}

/** A two-hour meeting: a cue every 3 seconds (2,400 cues), well over 200 KB of WebVTT. */
function twoHourVtt(): string {
  const time = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(11, 23);
  const cues = Array.from({ length: 2400 }, (_, index) => {
    const speaker = index % 2 === 0 ? 'Ada Lovelace' : 'Grace Hopper';
    return `cue-${index}/1-0\n${time(index * 3)} --> ${time(index * 3 + 3)}\n<v ${speaker}>Item ${index}: we went through the regional travel budget line by line and the hotel numbers.</v>`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** The bot's recap settings against the local services: Graph double, HTTPS Entra authority, App Service managed identity. */
async function recapEnv(services: LocalServices): Promise<Record<string, string>> {
  const authority = await services.graph.httpsAuthority();
  return {
    GRAPH_BASE_URL: `${services.url}${MS_GRAPH_PREFIX}`,
    GRAPH_AUTHORITY_HOST: authority.url,
    GRAPH_MANAGED_IDENTITY_CLIENT_ID: LOCAL_MI_CLIENT_ID,
    // What App Service gives a web app with a managed identity; @azure/identity reads them itself.
    IDENTITY_ENDPOINT: `${services.url}${LOCAL_MI_PATH}`,
    IDENTITY_HEADER: services.managedIdentity.identityHeader,
    NODE_EXTRA_CA_CERTS: authority.caFile,
  };
}

/** Most tests read the recap in the chat: answers in shared spaces public (privacy: the last suite). */
async function publicRecapEnv(services: LocalServices): Promise<Record<string, string>> {
  return { ...(await recapEnv(services)), SHARED_SPACE_ANSWERS: 'public' };
}

describe('meeting recaps', function () {
  this.timeout(30_000);
  const stack = suiteStack([ADA, GRACE], { env: publicRecapEnv });

  beforeEach(async () => {
    stack.q.graph.reset();
    stack.connector.meetings.clear();
    stack.connector.meetings.set(SAMPLE_TEAMS_MEETING_ID, meetingInfo());
    // Each test starts both people in a new Q conversation in the meeting chat.
    for (const person of [ADA, GRACE]) await inMeeting('/new', person);
    stack.connector.clear();
    stack.connector.meetingLookups.length = 0;
    stack.q.state.reset();
  });

  const chats = () => stack.q.state.calls.filter((call) => call.operation === 'ChatSync');
  const transcriptReads = () => stack.q.graph.served.filter((request) => request.path.endsWith('/content'));

  /** "@Q <text>" in the sample meeting's chat; the card the bot answers with. */
  async function inMeeting(text: string, user = ADA, chatId = SAMPLE_MEETING_CHAT_ID, meetingId: string | null = SAMPLE_TEAMS_MEETING_ID): Promise<Record<string, any>> {
    const before = stack.connector.messages(chatId).length;
    const activity = mention(stack.serviceUrl, user, text, chatId);
    if (meetingId) activity.channelData = { ...(activity.channelData as object), meeting: { id: meetingId } };
    assert.equal((await stack.post(activity)).status, 200);
    return cardOf(await stack.connector.waitFor('reply', () => stack.connector.messages(chatId)[before]));
  }

  it('recaps from the transcript and the company documents, as the asker, with the transcript attached', async () => {
    const card = await inMeeting('recap');
    const texts = cardTexts(card).join('\n');
    assert.match(texts, /Decisions[\s\S]*agreed on the 12th to the 14th/);
    assert.match(texts, /Action items[\s\S]*I'll book the hotel block by Friday/);
    assert.match(texts, /Open questions[\s\S]*department head approval/);
    assert.match(texts, /250 USD/, 'the travel policy figure the plan (300 USD) disagrees with');
    assert.match(texts, /Business travel policy/, 'cited');

    assert.deepEqual(stack.connector.meetingLookups, [SAMPLE_TEAMS_MEETING_ID], "Teams' meeting API gave the Graph meeting id and organiser");
    assert.deepEqual(
      stack.q.graph.served.map((request) => `${request.status} ${request.path.replace(SAMPLE_GRAPH_MEETING_ID, '{meeting}')}`),
      [`200 /v1.0/users/${SAMPLE_MEETING_ORGANIZER_ID}/onlineMeetings/{meeting}/transcripts`, `200 /v1.0/users/${SAMPLE_MEETING_ORGANIZER_ID}/onlineMeetings/{meeting}/transcripts/MSMjMCMjc2FtcGxlLXRyYW5zY3JpcHQ=/content`],
    );
    const [call] = chats();
    assert.equal(call?.principal, idcUserIdOf(ADA), 'asked of Q as the person who asked');
    const body = call?.body as Record<string, any>;
    assert.equal(body.userMessage, RECAP_PROMPT);
    assert.equal(body.attachments.length, 1);
    assert.equal(body.attachments[0].name, 'meeting-transcript.txt');
    const sent = Buffer.from(body.attachments[0].data, 'base64').toString('utf8');
    assert.match(sent, /^Ada Lovelace \(00:00:04\): Thanks for joining/);
    assert.match(sent, /Grace Hopper \(00:00:10\): .*300 USD a night/);
    assert.doesNotMatch(sent, /WEBVTT|-->|<v /, 'plain lines, not WebVTT (Q reads no .vtt)');
  });

  it('follow-ups and a second recap continue the same Q conversation without sending the transcript again', async () => {
    await inMeeting('recap');
    const followUp = await inMeeting('What does the travel policy say about hotels?');
    assert.match(cardTexts(followUp).join(' '), /250 USD/);
    await inMeeting('recap');
    const [first, second, third] = chats().map((call) => call.body as Record<string, any>);
    assert.ok(first?.attachments && !second?.attachments && !third?.attachments, 'the transcript went to Q once');
    assert.ok(second?.conversationId && second.conversationId === third?.conversationId, 'the follow-up and the second recap continue one Q conversation');
    assert.equal(stack.q.state.conversations.size, 1, 'one Q conversation for the recap and its follow-ups');
    assert.equal(transcriptReads().length, 2, 'Graph is read for each recap (the transcript may have changed), Q gets it once');
  });

  it('another person in the meeting gets their own recap, in their own Q conversation', async () => {
    await inMeeting('recap');
    await inMeeting('recap', GRACE);
    const [ada, grace] = chats();
    assert.equal(ada?.principal, idcUserIdOf(ADA));
    assert.equal(grace?.principal, idcUserIdOf(GRACE));
    assert.ok((grace?.body as Record<string, any>).attachments?.length === 1, "Grace's conversation gets the transcript too");
  });

  it('a first recap waits for sign-in, then runs again with the transcript (the sign-in click carries no meeting of its own)', async () => {
    const newcomer = teamsUser('Load User 07');
    const signInCard = await inMeeting('recap', newcomer);
    const action = signInCard.actions?.[0];
    assert.equal(action?.verb, 'signin.inplace', 'no session yet: the in-place sign-in card');
    assert.equal(chats().length, 0, 'Q is not asked before sign-in');

    // Teams' Action.Execute with the SSO token: an invoke in the meeting chat, without channelData.meeting.
    const click = execute(stack.serviceUrl, newcomer, 'sent-1', action.verb, action.data, SAMPLE_MEETING_CHAT_ID);
    click.conversation = { ...(click.conversation as object), conversationType: 'groupChat' };
    click.value = { ...(click.value as object), authentication: { id: randomUUID(), connectionName: 'AmazonQBusinessTeamsSso', token: await stack.mintToken({ aadObjectId: newcomer.aadObjectId }) } };
    const signedIn = await stack.post(click);
    assert.match(cardTexts(signedIn.body.value).join(' '), /Signed in. Your answer follows/);
    const recap = cardOf(await stack.connector.waitFor('the recap', () => stack.connector.messages(SAMPLE_MEETING_CHAT_ID)[1]));
    assert.match(cardTexts(recap).join('\n'), /Decisions[\s\S]*agreed on the 12th to the 14th/);

    const [call] = chats();
    assert.equal(call?.principal, idcUserIdOf(newcomer), 'asked as the person who just signed in');
    const body = call?.body as Record<string, any>;
    assert.equal(body.userMessage, RECAP_PROMPT);
    assert.equal(body.attachments?.length, 1, 'the transcript is attached after sign-in, not only the prompt');
    assert.deepEqual(stack.connector.meetingLookups, [SAMPLE_TEAMS_MEETING_ID, SAMPLE_TEAMS_MEETING_ID], 'the meeting found again by the id kept with the waiting question');
    assert.equal(transcriptReads().length, 2, 'the transcript read again after sign-in (never kept while waiting)');
  });

  const failures: Array<[string, () => void, RegExp]> = [
    ['transcription was off', () => {
      stack.q.graph.sampleMeeting().transcripts = [];
    }, /This meeting has no transcript[\s\S]*Start transcription/],
    ['the transcript is not published yet', () => {
      stack.q.graph.sampleMeeting().transcripts = [];
      stack.connector.meetings.set(SAMPLE_TEAMS_MEETING_ID, meetingInfo(5 * 60 * 1000));
    }, /not ready yet[\s\S]*few minutes after the meeting ends/],
    ['the meeting is not a scheduled one', () => {
      stack.connector.meetings.set(SAMPLE_TEAMS_MEETING_ID, meetingInfo(2 * HOUR, 'Adhoc'));
    }, /only recap scheduled meetings/],
    ['resource-specific consent was not granted (Graph 403)', () => {
      stack.q.graph.sampleMeeting().consentGranted = false;
    }, /not allowed to read this meeting’s transcript[\s\S]*resource-specific consent/],
    ["resource-specific consent was not granted (Teams' meeting API 403)", () => {
      stack.connector.meetings.set(SAMPLE_TEAMS_MEETING_ID, 403);
    }, /not allowed to read this meeting’s transcript/],
    ['the meeting has expired (Graph 404)', () => {
      stack.q.graph.sampleMeeting().expired = true;
    }, /can no longer be read[\s\S]*expired/],
    ['Graph keeps throttling beyond the turn', () => {
      stack.q.graph.throttle = { remaining: 10, retryAfterSeconds: 30 };
    }, /Microsoft Graph is busy[\s\S]*for 30 seconds/],
  ];
  for (const [label, arrange, expected] of failures) {
    it(`says so when ${label}, and asks Q nothing`, async () => {
      arrange();
      const card = await inMeeting('recap');
      assert.match(cardTexts(card).join('\n'), expected);
      assert.equal(chats().length, 0);
    });
  }

  it('outside a meeting chat, says where recaps work', async () => {
    const card = await inMeeting('recap', ADA, GROUP_CHAT, null);
    assert.match(cardTexts(card).join(' '), /not a meeting chat/);
    assert.equal(stack.connector.meetingLookups.length, 0);
  });

  it('retries a short Graph throttle (Retry-After) within the turn, then recaps', async () => {
    stack.q.graph.throttle = { remaining: 1, retryAfterSeconds: 1 };
    const card = await inMeeting('recap');
    assert.match(cardTexts(card).join(' '), /Decisions/);
    assert.deepEqual(stack.q.graph.served.map((request) => request.status), [429, 200, 200]);
  });

  it("says plainly when Q's file uploads are off", async () => {
    stack.q.state.addFault({ operation: 'ChatSync', error: 'ValidationException', message: 'File upload is disabled for this application.', count: 1 });
    const card = await inMeeting('recap');
    assert.match(cardTexts(card).join(' '), /Files are turned off/);
  });

  it('keeps transcript text out of the logs', async () => {
    const from = stack.bot.logs.length;
    await inMeeting('recap');
    const logs = stack.bot.logs.slice(from).join('\n');
    assert.match(logs, /meeting recap/);
    for (const said of ['300 USD a night', 'book the hotel block', 'department head approval', 'Thanks for joining']) assert.ok(!logs.includes(said), `"${said}" is not logged`);
  });

  it('a 2-hour transcript (over 200 KB of WebVTT) goes to Q within its file limits', async () => {
    const vtt = twoHourVtt();
    assert.ok(Buffer.byteLength(vtt) >= 200 * 1024, `${Buffer.byteLength(vtt)} bytes`);
    stack.q.graph.sampleMeeting().transcripts = [{ id: 'long-meeting', createdDateTime: '2026-12-01T12:00:00Z', vtt }];
    const card = await inMeeting('recap');
    assert.match(cardTexts(card).join(' '), /Decisions/);
    const body = chats()[0]?.body as Record<string, any>;
    assert.ok(body.attachments.length >= 1 && body.attachments.length <= 5);
    for (const file of body.attachments) assert.ok(Buffer.from(file.data, 'base64').length <= 10 * 1024 * 1024);
    const sent = body.attachments.map((file: { data: string }) => Buffer.from(file.data, 'base64').toString('utf8')).join('');
    assert.match(sent, /Item 0: /);
    assert.match(sent, /Item 2399: /, 'nothing trimmed: it all fits');
    assert.doesNotMatch(cardTexts(card).join(' '), /longer than Amazon Q Business takes/);
  });
});

describe('meeting recaps: private to the asker in the meeting chat, and out of telemetry', function () {
  this.timeout(60_000);
  let otlp: OtlpReceiver;
  let stack: Stack;

  before(async () => {
    otlp = await startOtlpReceiver();
    stack = await startStack(async (services) => ({
      ...(await recapEnv(services)),
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_on',
      TELEMETRY_LOG_LEVEL: 'info',
    }));
    await stack.signIn(ADA);
  });
  after(async () => {
    await otlp?.close();
  });

  it('posts only a placeholder in the meeting chat (the recap is the asker’s until shared), exports the turn, never the transcript', async () => {
    stack.connector.meetings.set(SAMPLE_TEAMS_MEETING_ID, meetingInfo());
    const activity = mention(stack.serviceUrl, ADA, 'recap', SAMPLE_MEETING_CHAT_ID);
    activity.channelData = { ...(activity.channelData as object), meeting: { id: SAMPLE_TEAMS_MEETING_ID } };
    await stack.post(activity);
    await stack.connector.waitFor('placeholder', () => stack.connector.messages(SAMPLE_MEETING_CHAT_ID)[0]);
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'ChatSync').length, 1, 'Q was asked');
    const inChat = JSON.stringify(stack.connector.sent.map((sent) => sent.body));
    assert.match(inChat, /only Ada Lovelace can see it/);
    for (const said of ['Decisions', 'book the hotel block', '300 USD', 'Business travel policy']) assert.ok(!inChat.includes(said), `"${said}" is not in the meeting chat`);
    // SIGTERM: the bot flushes what it buffered before it exits.
    await stack.stop();
    const exported = otlp.raw.join('\n');
    assert.ok(otlp.received['/v1/traces']!.length > 0 && otlp.received['/v1/logs']!.length > 0, 'traces and logs were exported');
    assert.match(exported, /meeting recap/, 'the recap log line was exported');
    for (const said of ['300 USD a night', 'book the hotel block', 'department head approval', 'Thanks for joining', 'agreed on the 12th']) assert.ok(!exported.includes(said), `"${said}" is not exported`);
  });
});

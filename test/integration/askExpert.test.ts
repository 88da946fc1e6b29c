/**
 * Ask an expert, through HTTP on two bot instances sharing Azurite (Blob state): the asker's
 * dialog from a no-answer card, the request in the experts' channel (created through the
 * connector with the bot's identity), a forged answer from someone outside the experts' team
 * (refused by Teams' roster API), an expert's hostile answer (kept safe), the asker receiving it
 * in the same chat and rating it, a second expert told it was answered. And without an experts
 * channel, no button.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { activityProblems } from '../helpers/contentChecks';
import { startScaledStack, type ScaledStack } from '../helpers/scaledStack';
import { cardTexts, startStack, type Stack } from '../helpers/stack';
import { activityIn, ADA, execute, GRACE, LINUS, message, personalConversationId, tokenExchange, type TeamsUser } from '../helpers/teamsActivities';

const EXPERTS_TEAM = '19:team-experts@thread.tacv2';
const EXPERTS_CHANNEL = '19:experts-desk@thread.tacv2';
const QUESTION = 'Who won the 1998 football world cup?';
const HOSTILE_ANSWER = [
  '**France** won. [Details](javascript:alert(document.cookie)) and [ok link](https://www.fifa.com/worldcup)',
  '<img src=x onerror=alert(1)> ![tracker](https://evil.example/pixel.png)',
  '[sign in here](https://evil.example/login "Click") \u202Egnp.exe',
].join('\n\n');

function dialogInvoke(serviceUrl: string, user: TeamsUser, name: 'task/fetch' | 'task/submit', data: Record<string, unknown>, where: 'asker' | 'experts', replyToId?: string): Record<string, unknown> {
  const conversation = where === 'asker' ? { id: personalConversationId(user), conversationType: 'personal' } : { id: `${EXPERTS_CHANNEL};messageid=1700000000001`, conversationType: 'channel' };
  const channelData = where === 'experts' ? { team: { id: EXPERTS_TEAM }, channel: { id: EXPERTS_CHANNEL } } : {};
  return activityIn(serviceUrl, user, conversation, { type: 'invoke', name, value: { data, context: { theme: 'default' } }, ...(replyToId ? { replyToId } : {}) }, channelData);
}

const THREAD = '19:general@thread.tacv2;messageid=1700000000000';
const OPERATIONS_TEAM = { id: '19:team-operations@thread.tacv2', name: 'Operations' };

/** An invoke from Ada's channel thread (where she asked). */
function inThread(serviceUrl: string, user: TeamsUser, extra: Record<string, unknown>): Record<string, unknown> {
  return activityIn(serviceUrl, user, { id: THREAD, conversationType: 'channel' }, extra, { team: OPERATIONS_TEAM, channel: { id: THREAD.split(';')[0] } });
}

/** Two instances on Azurite with the experts' channel set, Grace its only member. */
async function expertsStack(): Promise<ScaledStack> {
  const stack = await startScaledStack(2, { EXPERTS_CHANNEL: `${EXPERTS_TEAM},${EXPERTS_CHANNEL}` });
  stack.connector.teamMembers.set(EXPERTS_TEAM, new Set([GRACE.id]));
  return stack;
}

function actionsOf(card: Record<string, any>): Array<Record<string, any>> {
  return (card.actions ?? []) as Array<Record<string, any>>;
}

function cardIn(body: Record<string, any>): Record<string, any> {
  return body.attachments?.[0]?.content ?? {};
}

describe('Ask an expert (two instances on Azurite)', function () {
  this.timeout(120_000);
  let stack: ScaledStack;
  before(async () => {
    stack = await expertsStack();
  });
  after(async () => stack?.stop());

  it('request, forged answer refused, expert answer delivered safely, rated; a second answer is told it was answered', async () => {
    const { connector, serviceUrl } = stack;
    const signedIn = connector.sent.length;
    assert.equal((await stack.post(0, tokenExchange(serviceUrl, ADA, randomUUID(), await stack.q.entra.mint({ aadObjectId: ADA.aadObjectId })))).status, 200);
    await connector.waitFor('Ada signed in', () => connector.sent.slice(signedIn).some((sent) => JSON.stringify(sent.body).includes('Signed in')));
    // 1. Ada asks; the documents do not cover it: the no-answer card offers "Ask an expert".
    const asked = connector.sent.length;
    assert.equal((await stack.post(0, message(serviceUrl, ADA, QUESTION))).status, 200);
    const reply = await connector.waitFor('the no-answer card', () => connector.sent.slice(asked).find((sent) => sent.body.attachments?.length));
    const askButton = actionsOf(cardIn(reply.body)).find((action) => action.data?.verb === 'expert.ask');
    assert.ok(askButton, 'the no-answer card has Ask an expert');
    assert.deepEqual(askButton.data.msteams, { type: 'task/fetch' });

    // 2. The dialog (on the other instance) shows the question, editable, and Ada's name.
    const opened = await stack.post(1, dialogInvoke(serviceUrl, ADA, 'task/fetch', askButton.data, 'asker'));
    assert.equal(opened.status, 200);
    assert.equal(opened.body.task.type, 'continue');
    const askDialog = opened.body.task.value.card.content;
    const questionInput = askDialog.body.find((element: any) => element.id === 'question');
    assert.equal(questionInput.type, 'Input.Text');
    assert.equal(questionInput.value, QUESTION);
    assert.match(JSON.stringify(askDialog), /Ada Lovelace/);
    assert.equal(askDialog.body.some((element: any) => element.id === 'includeAnswer'), false, 'no Q answer to share from a no-answer card');

    // 3. Ada sends it (edited): it is posted to the experts' channel with the bot's own identity.
    const edited = `${QUESTION} (men's tournament)`;
    const sent = await stack.post(0, dialogInvoke(serviceUrl, ADA, 'task/submit', { ...askDialog.actions[0].data, question: edited }, 'asker'));
    assert.equal(sent.body.task.type, 'message');
    assert.match(sent.body.task.value, /Sent to the experts/);
    const posted = await connector.waitFor('the request in the experts channel', () => connector.created.find((created) => created.parameters.channelData?.channel?.id === EXPERTS_CHANNEL));
    assert.equal(posted.parameters.isGroup, true);
    const requestCard = cardIn(posted.parameters.activity);
    assert.match(JSON.stringify(requestCard), /men's tournament/);
    assert.deepEqual(activityProblems(posted.parameters.activity), []);
    const answerButton = actionsOf(requestCard).find((action) => action.data?.verb === 'expert.answer');
    assert.ok(answerButton?.data.requestKey, 'the request card has Answer');

    // 4. Linus is not in the experts' team: his dialog and a forged submit are refused; nothing reaches Ada.
    const beforeForgery = connector.sent.length;
    const forgedOpen = await stack.post(1, dialogInvoke(serviceUrl, LINUS, 'task/fetch', answerButton.data, 'experts'));
    assert.match(forgedOpen.body.task.value, /Only members of the experts’ team/);
    const forged = await stack.post(0, dialogInvoke(serviceUrl, LINUS, 'task/submit', { ...answerButton.data, answer: 'Brazil, trust me.' }, 'asker'));
    assert.equal(forged.status, 200);
    assert.match(forged.body.task.value, /Only members of the experts’ team/);
    assert.ok(connector.rosterLookups >= 2, 'membership was checked with the roster API');
    assert.equal(connector.sent.slice(beforeForgery).some((activity) => JSON.stringify(activity.body).includes('Brazil')), false, 'the forged answer went nowhere');

    // 5. Grace (a member) opens the dialog and answers with hostile markdown.
    const graceOpen = await stack.post(1, dialogInvoke(serviceUrl, GRACE, 'task/fetch', answerButton.data, 'experts', 'request-card-1'));
    assert.equal(graceOpen.body.task.type, 'continue');
    const answerDialog = graceOpen.body.task.value.card.content;
    assert.ok(answerDialog.body.some((element: any) => element.id === 'answer' && element.type === 'Input.Text'));
    const beforeAnswer = connector.sent.length;
    const answered = await stack.post(0, dialogInvoke(serviceUrl, GRACE, 'task/submit', { ...answerDialog.actions[0].data, answer: HOSTILE_ANSWER }, 'experts', 'request-card-1'));
    assert.match(answered.body.task.value, /sent to the person who asked/);

    // 6. Ada receives it in her chat, marked with Grace's name, safe; the request card says who answered.
    const delivered = await connector.waitFor('the expert answer in Ada’s chat', () => connector.sent.slice(beforeAnswer).find((activity) => activity.conversationId === personalConversationId(ADA) && activity.body.attachments?.length));
    const answerCard = cardIn(delivered.body);
    const raw = JSON.stringify(answerCard);
    assert.match(raw, /Grace Hopper/);
    assert.match(raw, /France/);
    // Same rules as Q's text (src/content/links.ts): script links dropped, no HTML, no images, no bidi overrides; https links stay links.
    assert.doesNotMatch(raw, /javascript:|onerror|<img|"Image"|\u202E/i);
    // Links are TextRuns that open their URL (never markdown); cardTexts describes them as [text](url).
    assert.match(cardTexts(answerCard).join('\n'), /\[ok link\]\(https:\/\/www\.fifa\.com\/worldcup\)/);
    assert.doesNotMatch(JSON.stringify(answerCard), /"type":"TextBlock"[^}]*France/, 'expert text is never TextBlock markdown');
    assert.deepEqual(activityProblems(delivered.body), []);
    const update = connector.sent.slice(beforeAnswer).find((activity) => activity.method === 'PUT' && activity.activityId === 'request-card-1');
    assert.ok(update, 'the request card was updated');
    assert.match(JSON.stringify(cardIn(update.body)), /Answered by.*Grace Hopper/);
    assert.equal(actionsOf(cardIn(update.body)).length, 0, 'no Answer button once answered');

    // 7. A second expert (now a member) is told it was answered, by whom.
    stack.connector.teamMembers.get(EXPERTS_TEAM)?.add(LINUS.id);
    const second = await stack.post(1, dialogInvoke(serviceUrl, LINUS, 'task/submit', { ...answerButton.data, answer: 'Also France.' }, 'experts'));
    assert.match(second.body.task.value, /already answered by Grace Hopper/);

    // 8. Ada rates it (on the other instance); Grace cannot.
    const rateUp = actionsOf(answerCard).find((action) => action.data?.vote === 'up');
    assert.ok(rateUp);
    const graceRates = await stack.post(0, execute(serviceUrl, GRACE, delivered.returnedId, 'expert.rate', rateUp.data));
    assert.doesNotMatch(JSON.stringify(graceRates.body), /You rated/);
    const rated = await stack.post(1, execute(serviceUrl, ADA, delivered.returnedId, 'expert.rate', rateUp.data));
    assert.equal(rated.status, 200);
    assert.match(JSON.stringify(rated.body), /You rated this answer 👍/);
    const logs = stack.instances.map((instance) => instance.logs.join('\n')).join('\n');
    assert.doesNotMatch(logs, /France|men's tournament/, 'no question or answer text in logs');
  });
  it('from an answer card: Q’s answer is shared only when ticked, and only the asker’s own', async () => {
    const { connector, serviceUrl } = stack;
    const before = connector.sent.length;
    await stack.post(1, message(serviceUrl, ADA, 'How do I reset my VPN token?'));
    const reply = await connector.waitFor('the answer card', () => connector.sent.slice(before).find((sent) => JSON.stringify(sent.body).includes('Sources')));
    const askButton = actionsOf(cardIn(reply.body)).find((action) => action.data?.verb === 'expert.ask');
    assert.ok(askButton?.data.answerKey, 'the answer card offers Ask an expert with its answer key');
    const opened = await stack.post(0, dialogInvoke(serviceUrl, ADA, 'task/fetch', askButton.data, 'asker'));
    const toggles = opened.body.task.value.card.content.body.filter((element: any) => element.type === 'Input.Toggle');
    assert.deepEqual(toggles.map((toggle: any) => [toggle.id, toggle.value]), [['includeAnswer', 'false'], ['includeSources', 'false']]);

    // Grace forges a request carrying Ada's answer key: her request goes without Ada's answer.
    const created = connector.created.length;
    await stack.post(0, dialogInvoke(serviceUrl, GRACE, 'task/submit', { verb: 'expert.ask', question: 'What does Ada know?', answerKey: askButton.data.answerKey, includeAnswer: 'true', includeSources: 'true' }, 'asker'));
    const forged = await connector.waitFor('Grace’s request', () => connector.created[created]);
    assert.doesNotMatch(JSON.stringify(forged.parameters.activity), /self-service portal/i);

    // Ada ticks both: the experts see Q's answer and its source titles.
    await stack.post(1, dialogInvoke(serviceUrl, ADA, 'task/submit', { ...opened.body.task.value.card.content.actions[0].data, question: askButton.data.question, includeAnswer: 'true', includeSources: 'true' }, 'asker'));
    const shared = await connector.waitFor('Ada’s request with the answer', () => connector.created[created + 1]);
    const raw = JSON.stringify(shared.parameters.activity);
    assert.match(raw, /Amazon Q’s answer, shared by the asker/);
    assert.match(raw, /self-service portal/i);
    assert.deepEqual(activityProblems(shared.parameters.activity), []);
  });
});

describe('Ask an expert from a channel: the answer comes back privately', function () {
  this.timeout(120_000);
  let stack: ScaledStack;
  before(async () => {
    stack = await expertsStack();
  });
  after(async () => stack?.stop());

  it('the thread gets a placeholder for everyone; only the asker’s refresh shows the expert’s answer', async () => {
    const { connector, serviceUrl } = stack;
    const submitted = await stack.post(0, inThread(serviceUrl, ADA, { type: 'invoke', name: 'task/submit', value: { data: { verb: 'expert.ask', question: 'Where is the VPN policy for contractors?' } } }));
    assert.match(submitted.body.task.value, /Sent to the experts/);
    const posted = await connector.waitFor('the request', () => connector.created.find((created) => created.parameters.channelData?.channel?.id === EXPERTS_CHANNEL));
    const answerButton = actionsOf(cardIn(posted.parameters.activity)).find((action) => action.data?.verb === 'expert.answer');
    const before = connector.sent.length;
    const answered = await stack.post(1, dialogInvoke(serviceUrl, GRACE, 'task/submit', { ...answerButton?.data, answer: 'Contractors: see **Access policy 4.2**.' }, 'experts'));
    assert.match(answered.body.task.value, /sent to the person who asked/);
    const delivered = await connector.waitFor('the delivery in the thread', () => connector.sent.slice(before).find((sent) => sent.conversationId === THREAD && sent.body.attachments?.length));
    const placeholder = cardIn(delivered.body);
    assert.doesNotMatch(JSON.stringify(delivered.body), /Access policy/, 'the thread message does not carry the answer');
    assert.deepEqual(placeholder.refresh.userIds, [ADA.id]);
    assert.deepEqual(activityProblems(delivered.body), []);

    const refresh = (user: TeamsUser) => inThread(serviceUrl, user, { type: 'invoke', name: 'adaptiveCard/action', replyToId: delivered.returnedId, value: { action: { type: 'Action.Execute', verb: placeholder.refresh.action.verb, data: placeholder.refresh.action.data }, trigger: 'automatic' } });
    const graceView = await stack.post(0, refresh(GRACE));
    assert.equal(graceView.status, 200);
    assert.doesNotMatch(JSON.stringify(graceView.body), /Access policy/, 'someone else’s refresh gets no answer');
    const adaView = await stack.post(1, refresh(ADA));
    assert.match(JSON.stringify(adaView.body), /Access policy 4\.2/);
    assert.match(JSON.stringify(adaView.body), /Grace Hopper/);
  });
});

describe('Ask an expert without an experts channel', function () {
  this.timeout(60_000);
  let stack: Stack;
  before(async () => (stack = await startStack()));
  after(async () => stack?.stop());

  it('offers no button, and a forged dialog request is told none is set up', async () => {
    await stack.signIn(ADA);
    const asked = stack.connector.sent.length;
    await stack.post(message(stack.serviceUrl, ADA, QUESTION));
    const reply = await stack.connector.waitFor('the no-answer card', () => stack.connector.sent.slice(asked).find((sent) => sent.body.attachments?.length));
    assert.match(JSON.stringify(cardIn(reply.body)), /documents don’t cover this/);
    assert.equal(JSON.stringify(cardIn(reply.body)).includes('expert.ask'), false);
    const forged = await stack.post(dialogInvoke(stack.serviceUrl, ADA, 'task/submit', { verb: 'expert.ask', question: QUESTION }, 'asker'));
    assert.equal(forged.status, 200);
    assert.match(forged.body.task.value, /No experts’ channel is set up/);
    assert.equal(stack.connector.created.length, 0);
  });
});

/**
 * Telemetry end to end: the built bot as a process, exporting to a local Application Insights
 * ingestion endpoint (HTTPS, test CA) and a local OTLP/HTTP collector at once. A person signs in,
 * asks (Q throttles once, the SDK retries), votes, and asks again while Q refuses every attempt;
 * after SIGTERM everything buffered must have
 * arrived: the request spans with their children, the metrics, and logs correlated with traces,
 * and nowhere the question, the answer, a token or who asked.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { actionsOf, cardOf, cardTexts, startStack, type Stack } from '../helpers/stack';
import { ADA, execute, GRACE, message, personalConversationId, tokenExchange } from '../helpers/teamsActivities';
import { startApplicationInsightsReceiver, startOtlpReceiver, TEST_INSTRUMENTATION_KEY, type ApplicationInsightsReceiver, type Envelope, type OtlpReceiver } from '../helpers/telemetryReceivers';

const QUESTION = 'How do I reset my VPN token?';
const INSTANCE = 'test-instance-7';

describe('telemetry (OpenTelemetry → Application Insights and OTLP)', function () {
  this.timeout(90000);
  let appInsights: ApplicationInsightsReceiver;
  let otlp: OtlpReceiver;
  let stack: Stack;
  let entraToken = '';
  let answerTexts: string[] = [];
  let questionActivityId = '';
  let voteActivityId = '';
  let busyActivityId = '';
  let botPid = 0;
  let logs: string[] = [];

  before(async () => {
    appInsights = await startApplicationInsightsReceiver();
    otlp = await startOtlpReceiver();
    stack = await startStack({
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.connectionString,
      NODE_EXTRA_CA_CERTS: appInsights.caFile,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_SERVICE_NAME: 'qteams-under-test',
      WEBSITE_INSTANCE_ID: INSTANCE,
      // No statsbeat to Microsoft's endpoints from a test.
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
      EXPERTS_CHANNEL: '19:team-experts@thread.tacv2,19:experts-desk@thread.tacv2',
    });
    botPid = stack.bot.process.pid as number;

    entraToken = await stack.mintToken({ aadObjectId: ADA.aadObjectId });
    const signedIn = await stack.post(tokenExchange(stack.serviceUrl, ADA, randomUUID(), entraToken));
    assert.equal(signedIn.status, 200);
    await stack.connector.waitFor('signed in', () => stack.connector.messages().some((sent) => JSON.stringify(sent.body).includes('Signed in')));

    stack.q.state.addFault({ operation: 'ChatSync', error: 'ThrottlingException', count: 1 });
    const before = stack.connector.messages().length;
    const question = message(stack.serviceUrl, ADA, QUESTION);
    questionActivityId = question.id as string;
    await stack.post(question);
    const sent = await stack.connector.waitFor('answer card', () => stack.connector.messages().slice(before).find((activity) => activity.body.attachments));
    const card = cardOf(sent);
    answerTexts = cardTexts(card).filter((text) => text.length > 40);
    assert.ok(answerTexts.length > 0, 'the answer has text to look for');

    const vote = execute(stack.serviceUrl, ADA, sent.returnedId, 'feedback.up', { answerKey: actionsOf(card)[0]?.data.answerKey }, personalConversationId(ADA));
    voteActivityId = vote.id as string;
    assert.equal((await stack.post(vote)).status, 200);
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'PutFeedback').length, 1);

    // Ask an expert: Ada's request, Grace's answer (the metrics the workbook charts).
    stack.connector.teamMembers.set('19:team-experts@thread.tacv2', new Set([GRACE.id]));
    const dialogSubmit = (user: typeof ADA, data: Record<string, unknown>) => ({ ...message(stack.serviceUrl, user, ''), type: 'invoke', name: 'task/submit', text: undefined, value: { data } });
    assert.equal((await stack.post(dialogSubmit(ADA, { verb: 'expert.ask', question: QUESTION }))).status, 200);
    const request = await stack.connector.waitFor('expert request', () => stack.connector.created.find((created) => created.parameters.channelData?.channel?.id));
    const requestKey = (request.parameters.activity.attachments[0].content.actions as Array<{ data: { requestKey?: string } }>)[0]?.data.requestKey;
    const answered = await stack.post(dialogSubmit(GRACE, { verb: 'expert.answer', requestKey, answer: 'Use the portal.' }));
    assert.match(JSON.stringify(answered.body), /sent to the person who asked/);
    // Ada rates it, then clicks again: counted once.
    for (let click = 0; click < 2; click += 1) assert.equal((await stack.post(execute(stack.serviceUrl, ADA, 'delivered-expert-answer', 'expert.rate', { requestKey, vote: 'up' }, personalConversationId(ADA)))).status, 200);

    // Q refuses every attempt: a warning the bot exports as a log record (its default is warn and above).
    stack.q.state.addFault({ operation: 'ChatSync', error: 'ThrottlingException', count: 3 });
    const beforeBusy = stack.connector.messages().length;
    const busyQuestion = message(stack.serviceUrl, ADA, QUESTION);
    busyActivityId = busyQuestion.id as string;
    await stack.post(busyQuestion);
    await stack.connector.waitFor('busy card', () => stack.connector.messages().slice(beforeBusy).find((activity) => activity.body.attachments));

    // SIGTERM: the bot must flush what it buffered before it exits.
    logs = stack.bot.logs;
    await stack.stop();
  });

  after(async () => {
    await appInsights?.close();
    await otlp?.close();
  });

  const ofType = (name: string): Envelope[] => appInsights.envelopes.filter((envelope) => envelope.name === `Microsoft.ApplicationInsights.${name}`);
  const requestFor = (activityId: string): Envelope => {
    const request = ofType('Request').find((envelope) => envelope.data.baseData.properties?.['teams.activity.id'] === activityId);
    assert.ok(request, `a request for activity ${activityId}: ${ofType('Request').map((envelope) => envelope.data.baseData.name).join(', ')}`);
    return request;
  };
  const childrenOf = (request: Envelope): Envelope[] => {
    const operationId = request.tags['ai.operation.id'];
    return ofType('RemoteDependency').filter((envelope) => envelope.tags['ai.operation.id'] === operationId);
  };
  const metricNames = (): string[] => ofType('Metric').flatMap((envelope) => envelope.data.baseData.metrics.map((metric: { name: string }) => metric.name));
  const metric = (name: string, where: (properties: Record<string, string>) => boolean): number =>
    ofType('Metric')
      .filter((envelope) => envelope.data.baseData.metrics[0]?.name === name && where(envelope.data.baseData.properties ?? {}))
      .reduce((total, envelope) => total + Number(envelope.data.baseData.metrics[0].value), 0);

  it('sends one request per Teams activity, named by activity, with its id, conversation type, outcome and status', () => {
    const request = requestFor(questionActivityId);
    assert.equal(request.iKey, TEST_INSTRUMENTATION_KEY);
    assert.equal(request.data.baseData.name, 'teams message');
    assert.equal(request.data.baseData.responseCode, '200');
    assert.equal(request.data.baseData.success, true);
    assert.equal(request.data.baseData.properties['teams.conversation.type'], 'personal');
    assert.equal(request.data.baseData.properties['qteams.outcome'], 'answered');
    assert.equal(request.tags['ai.cloud.role'], 'qteams-under-test', 'OTEL_SERVICE_NAME is honoured');
    assert.equal(request.tags['ai.cloud.roleInstance'], INSTANCE);

    const vote = requestFor(voteActivityId);
    assert.equal(vote.data.baseData.name, 'teams invoke adaptiveCard/action');
    assert.equal(vote.data.baseData.properties['qteams.outcome'], 'vote recorded');
  });

  it('gives the question its Q call (with the AWS request id, the throttled attempt retried), storage and connector calls as children', () => {
    const request = requestFor(questionActivityId);
    const children = childrenOf(request);
    const chatSync = children.find((child) => child.data.baseData.properties?.['rpc.method'] === 'ChatSync');
    assert.ok(chatSync, `a ChatSync dependency among ${children.map((child) => child.data.baseData.name).join(', ')}`);
    const served = stack.q.state.calls.filter((call) => call.operation === 'ChatSync' && !call.faultInjected).at(-1);
    assert.equal(chatSync.data.baseData.properties['aws.request_id'], served?.requestId, 'the request id Q returned');
    assert.equal(chatSync.data.baseData.properties['aws.attempts'], '2', 'one throttled attempt, then success');
    assert.equal(chatSync.data.baseData.properties['rpc.service'], 'QBusiness');
    assert.equal(chatSync.data.baseData.name, 'QBusiness.ChatSync');
    assert.equal(chatSync.data.baseData.target, '127.0.0.1', 'the Q endpoint host, no path');
    assert.equal(chatSync.data.baseData.resultCode, '200');
    assert.equal(chatSync.data.baseData.success, true);
    assert.equal(chatSync.tags['ai.operation.parentId'], request.data.baseData.id, 'a direct child of the request');

    const names = children.map((child) => child.data.baseData.name);
    for (const expected of ['storage.read', 'storage.create', 'connector.send']) assert.ok(names.includes(expected), `${expected} among ${names.join(', ')}`);
    const read = children.find((child) => child.data.baseData.name === 'storage.read');
    assert.ok(Number(read?.data.baseData.properties['qteams.storage.keys']) >= 1, 'key counts, not keys');
    const send = children.find((child) => child.data.baseData.properties?.['qteams.activity.types'] === 'message');
    assert.ok(send, 'the answer went out through a traced connector call');
  });

  it('traces sign-in through Identity Center and STS, and the vote through PutFeedback', () => {
    const dependencies = ofType('RemoteDependency');
    for (const method of ['CreateTokenWithIAM', 'AssumeRole', 'PutFeedback']) {
      const call = dependencies.find((envelope) => envelope.data.baseData.properties?.['rpc.method'] === method);
      assert.ok(call, `${method} dependency`);
      assert.match(call.data.baseData.properties['aws.request_id'] ?? '', /\S/, `${method} carries its AWS request id`);
    }
    const feedback = dependencies.find((envelope) => envelope.data.baseData.properties?.['rpc.method'] === 'PutFeedback') as Envelope;
    assert.equal(feedback.tags['ai.operation.id'], requestFor(voteActivityId).tags['ai.operation.id']);
  });

  it('exports the answer, Q, sign-in, vote and throttling metrics', () => {
    const names = metricNames();
    for (const name of ['qteams.answers', 'qteams.answer.duration', 'qteams.q.duration', 'qteams.signins', 'qteams.votes', 'qteams.q.throttled']) {
      assert.ok(names.includes(name), `${name} among ${[...new Set(names)].join(', ')}`);
    }
    assert.equal(metric('qteams.answers', (properties) => properties.outcome === 'answered'), 1);
    assert.equal(metric('qteams.signins', (properties) => properties.outcome === 'signedIn'), 1);
    assert.equal(metric('qteams.votes', (properties) => properties.state === 'recorded' && properties.vote === 'up'), 1);
    assert.equal(metric('qteams.answers', (properties) => properties.outcome === 'throttled'), 1);
    assert.equal(metric('qteams.answers', (properties) => properties.outcome === 'answered' && properties.scope === '(none)'), 1);
    assert.equal(metric('qteams.expert.requests', (properties) => properties.state === 'opened'), 1);
    assert.equal(metric('qteams.expert.requests', (properties) => properties.state === 'answered'), 1);
    assert.ok(names.includes('qteams.expert.time_to_answer'));
    assert.equal(metric('qteams.expert.ratings', (properties) => properties.vote === 'up'), 1, 'one rating however often the asker clicks');
    assert.equal(metric('qteams.q.throttled', (properties) => properties.operation === 'ChatSync'), 4, 'one retried attempt, then three refused');
    assert.ok(metric('qteams.q.duration', (properties) => properties.operation === 'ChatSync' && properties.outcome === 'ok') > 0);
  });

  it('adds trace and span ids, instance and pid to the JSON log lines, and exports them correlated', () => {
    const request = requestFor(questionActivityId);
    const answered = logs.map((line) => JSON.parse(line) as Record<string, any>).find((line) => line.msg === 'answered' && line.activityId === questionActivityId);
    assert.ok(answered, 'the answered log line');
    assert.equal(answered.traceId, request.tags['ai.operation.id']);
    assert.match(answered.spanId, /^[0-9a-f]{16}$/);
    assert.equal(answered.instance, INSTANCE);
    assert.equal(answered.pid, botPid);

    const busy = requestFor(busyActivityId);
    assert.equal(busy.data.baseData.properties['qteams.outcome'], 'throttled');
    const exported = ofType('Message').find((envelope) => envelope.data.baseData.message === 'Q did not answer');
    assert.ok(exported, 'the warning exported as a trace message');
    assert.equal(exported.tags['ai.operation.id'], busy.tags['ai.operation.id'], 'in the operation of its request');
    assert.equal(exported.data.baseData.severityLevel, 'Warning');
    assert.equal(exported.data.baseData.properties.error, 'ThrottlingException');
    assert.ok(!ofType('Message').some((envelope) => envelope.data.baseData.message === 'answered'), 'info lines stay on stdout by default');
  });

  it('sends the same spans, metrics and logs to the OTLP collector', () => {
    const spans = otlp.received['/v1/traces']!.flatMap((body) => body.resourceSpans.flatMap((resource: any) => resource.scopeSpans.flatMap((scope: any) => scope.spans)));
    const names = new Set(spans.map((span: any) => span.name));
    for (const name of ['teams message', 'QBusiness.ChatSync', 'SSOOIDC.CreateTokenWithIAM', 'STS.AssumeRole', 'QBusiness.PutFeedback', 'storage.read', 'connector.send']) {
      assert.ok(names.has(name), `${name} among ${[...names].join(', ')}`);
    }
    const requestTrace = requestFor(questionActivityId).tags['ai.operation.id'];
    assert.ok(spans.some((span: any) => span.name === 'QBusiness.ChatSync' && span.traceId === requestTrace), 'same trace ids in both exports');
    const metricNamesOtlp = new Set(
      otlp.received['/v1/metrics']!.flatMap((body) => body.resourceMetrics.flatMap((resource: any) => resource.scopeMetrics.flatMap((scope: any) => scope.metrics.map((entry: any) => entry.name)))),
    );
    for (const name of ['qteams.answers', 'qteams.answer.duration', 'qteams.q.duration', 'qteams.signins', 'qteams.votes']) assert.ok(metricNamesOtlp.has(name), `${name} over OTLP`);
    const logRecords = otlp.received['/v1/logs']!.flatMap((body) => body.resourceLogs.flatMap((resource: any) => resource.scopeLogs.flatMap((scope: any) => scope.logRecords)));
    const busyTrace = requestFor(busyActivityId).tags['ai.operation.id'];
    assert.ok(logRecords.some((record: any) => record.body?.stringValue === 'Q did not answer' && record.traceId === busyTrace), 'the warning log record, correlated');
  });

  it('exports no question or answer text, no token, and nothing that names the person', () => {
    const exported = [...appInsights.raw, ...otlp.raw].join('\n');
    assert.ok(exported.length > 1000, 'there is telemetry to scan');
    const forbidden: Array<[string, string]> = [
      ['the question', QUESTION],
      ['the Entra token', entraToken],
      ['the Entra token signature', entraToken.split('.')[2] ?? ''],
      ['the person\'s name', ADA.name],
      ['the person\'s Entra object id', ADA.aadObjectId],
      ['the person\'s Teams id', ADA.id],
      ...answerTexts.map((text): [string, string] => ['the answer', text.slice(0, 40)]),
    ];
    for (const [what, value] of forbidden) assert.ok(value && !exported.includes(value), `${what} must not be exported`);
    // Whatever Identity Center and STS issued (identity contexts, refresh tokens, credentials) stays in the bot.
    const identity = stack.q.identity;
    const issued = [...identity.contexts.keys(), ...identity.refreshTokens.keys(), ...[...identity.credentials.values()].flatMap((credentials) => [credentials.secretAccessKey, credentials.sessionToken])];
    assert.ok(issued.length >= 3, 'the sign-in issued tokens and credentials');
    for (const secret of issued) assert.ok(!exported.includes(secret), 'an issued token or credential must not be exported');
  });
});

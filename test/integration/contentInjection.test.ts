/**
 * Content injection through the public surfaces: the local Q answers with hostile documents
 * (localdev/qbusiness/hostileDocuments.ts: bad schemes, break-outs, spoofing titles, reference
 * links, autolinks, nested brackets, bidi and homoglyph titles, 20,000-character fields, thousands
 * of sources, deep nesting). HTTP activities go in; at the connector every message must fit in
 * 40 KB, every card must be valid Adaptive Card 1.5, every link target allowed, and every source
 * line must point to its own URL. On the card reply, the streamed reply (each update and the
 * final message) and plugin forms and sign-in cards.
 */
import assert from 'node:assert/strict';
import { cardOf, suiteStack, type Stack } from '../helpers/stack';
import { activityProblems, adaptiveCardProblems, citationRunProblems, markdownProblems, signInProblems, sourceLineProblems } from '../helpers/contentChecks';
import { SURFACE_BUDGETS, utf16Bytes } from '../../src/content/sizeBudget';
import { HOSTILE_DOCUMENTS, type HostileDocument } from '../helpers/hostileContent';
import { ADA, message, searchQuery } from '../helpers/teamsActivities';
import { streamInfoOf, type SentActivity } from '../helpers/fakeConnector';

async function reply(stack: Stack, text: string): Promise<{ sent: SentActivity[]; last: SentActivity }> {
  const before = stack.connector.sent.length;
  assert.equal((await stack.post(message(stack.serviceUrl, ADA, text))).status, 200);
  const last = await stack.connector.waitFor(`the reply to "${text}"`, () => stack.connector.sent.slice(before).find((sent) => sent.body.type === 'message'), 30000);
  return { sent: stack.connector.sent.slice(before), last };
}

function check(problems: string[], document: HostileDocument): void {
  assert.deepEqual(problems, [], `${document.name} (${document.tries})`);
}

describe('content injection: hostile documents on every surface', function () {
  this.timeout(120_000);

  it(`has at least 40 hostile document shapes (${HOSTILE_DOCUMENTS.length})`, () => {
    assert.ok(HOSTILE_DOCUMENTS.length >= 40);
    assert.equal(new Set(HOSTILE_DOCUMENTS.map((document) => document.name)).size, HOSTILE_DOCUMENTS.length, 'names are unique');
  });

  describe('card replies', () => {
    const stack = suiteStack([ADA]);
    before(() => void stack.q.knowledge.enableHostileDocuments());

    for (const document of HOSTILE_DOCUMENTS) {
      it(`${document.name}: ${document.tries}`, async () => {
        const { sent, last } = await reply(stack, `hostile ${document.name}`);
        for (const activity of sent) check(activityProblems(activity.body), document);
        check(sourceLineProblems(cardOf(last), document), document);
        check(citationRunProblems(cardOf(last), document), document);
      });
    }
  });

  describe('streamed replies (every update and the final message)', () => {
    const stack = suiteStack([ADA], { env: { STREAMING: 'on' } });
    // Teams waits 1.5 s after every stream update: documents run in parallel 1:1 chats, then each is checked.
    const LANES = 4;
    const results = new Map<string, { sent: SentActivity[]; last: SentActivity }>();
    before(async function () {
      this.timeout(600_000);
      stack.q.knowledge.enableHostileDocuments();
      // Slow enough that every answer streams over a few Teams updates; long ones capped at 4 s.
      stack.q.state.pacing = { firstTokenMs: 0, tokensPerSecond: 8, tokensPerEvent: 1, maxAnswerMs: 4000 };
      const queue = [...HOSTILE_DOCUMENTS];
      const lane = async (index: number): Promise<void> => {
        const conversationId = `a:content-injection-lane-${index}`;
        for (let document = queue.shift(); document; document = queue.shift()) {
          const before = stack.connector.sent.length;
          assert.equal((await stack.post(message(stack.serviceUrl, ADA, `hostile ${document.name}`, conversationId))).status, 200);
          const mine = (): SentActivity[] => stack.connector.sent.slice(before).filter((sent) => sent.conversationId === conversationId);
          const last = await stack.connector.waitFor(`the streamed reply to ${document.name}`, () => mine().find((sent) => sent.body.type === 'message'), 60000);
          results.set(document.name, { sent: mine(), last });
        }
      };
      await Promise.all(Array.from({ length: LANES }, (_, index) => lane(index)));
    });

    it('streams text updates before the final message (the checks below are not vacuous)', () => {
      const updates = [...results.values()].flatMap(({ sent }) => sent.filter((activity) => streamInfoOf(activity.body)?.streamType === 'streaming'));
      assert.ok(updates.length >= HOSTILE_DOCUMENTS.length / 2, `${updates.length} text updates`);
    });

    for (const document of HOSTILE_DOCUMENTS) {
      it(`${document.name}: ${document.tries}`, () => {
        const { sent, last } = results.get(document.name) ?? assert.fail('no reply');
        assert.equal(streamInfoOf(last.body)?.streamType, 'final', 'answered as a stream');
        let previous = '';
        for (const activity of sent) {
          check(activityProblems(activity.body), document);
          const text = streamInfoOf(activity.body)?.streamType === 'streaming' ? String(activity.body.text ?? '') : undefined;
          if (text === undefined) continue;
          assert.ok(text.startsWith(previous), `${document.name}: each update holds all earlier text`);
          previous = text;
        }
        check(sourceLineProblems(cardOf(last), document), document);
        check(citationRunProblems(cardOf(last), document), document);
      });
    }
  });

  describe('plugin forms and plugin sign-in', () => {
    const stack = suiteStack([ADA]);
    before(() => void stack.q.knowledge.enableHostileDocuments());

    for (const document of HOSTILE_DOCUMENTS) {
      it(`${document.name}: ${document.tries}`, async () => {
        await reply(stack, '/new');
        const form = await reply(stack, `Please create a ticket: hostile ${document.name}`);
        for (const activity of form.sent) check(activityProblems(activity.body), document);
        assert.ok(cardOf(form.last).body.some((element: Record<string, any>) => String(element.type).startsWith('Input.')) || document.name === 'sources-thousands', 'a form with inputs');
        await reply(stack, '/new');
        const signIn = await reply(stack, `Show my issues: hostile ${document.name}`);
        for (const activity of signIn.sent) check(activityProblems(activity.body), document);
        check(signInProblems(cardOf(signIn.last), document), document);
      });
    }
  });

  describe('message extension results and previews', () => {
    const stack = suiteStack([ADA]);
    before(() => void stack.q.knowledge.enableHostileDocuments());

    for (const document of HOSTILE_DOCUMENTS) {
      it(`${document.name}: ${document.tries}`, async () => {
        const response = await stack.post(searchQuery(stack.serviceUrl, ADA, `hostile ${document.name}?`));
        assert.equal(response.status, 200);
        const extension = (response.body as Record<string, any>).composeExtension;
        const attachments = (extension.attachments ?? []) as Array<Record<string, any>>;
        assert.equal(attachments.length, 1, JSON.stringify(extension).slice(0, 200));
        for (const attachment of attachments) {
          check(adaptiveCardProblems(attachment.content), document);
          assert.ok(utf16Bytes(attachment.content) <= SURFACE_BUDGETS.messageExtensionResult, `${document.name}: result card within 28 KB`);
          // Thumbnail previews: Teams renders some markup in them.
          for (const key of ['title', 'text']) check(markdownProblems(String(attachment.preview?.content?.[key] ?? ''), `preview ${key}`), document);
        }
      });
    }
  });
});

/**
 * The search command's query policy on a fake clock: keystrokes never reach Q one by one, a pause
 * or a final `?` completes a question, one Q request per person (newer questions wait their turn), answers cached per person and
 * question, and a slow Q gives "working" within the budget and the answer from the cache next.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { QueryPolicy, type PolicyClock, type QueryOutcome } from '../../src/features/messageExtension/queryPolicy';

interface Answer {
  text: string;
}

/** A Q stand-in whose answers the test releases. */
class ControlledQ {
  readonly asked: string[] = [];
  private readonly pending: Array<{ question: string; resolve: (answer: Answer) => void; reject: (error: Error) => void }> = [];
  ask(question: string): () => Promise<Answer> {
    return () => {
      this.asked.push(question);
      return new Promise<Answer>((resolve, reject) => this.pending.push({ question, resolve, reject }));
    };
  }
  answerAll(): void {
    for (const call of this.pending.splice(0)) call.resolve({ text: `answer to ${call.question}` });
  }
  failAll(): void {
    for (const call of this.pending.splice(0)) call.reject(new Error('Q failed'));
  }
}

/** Q that answers at once. */
const instantQ = (asked: string[]) => (question: string) => async (): Promise<Answer> => {
  asked.push(question);
  return { text: `answer to ${question}` };
};

describe('message extension query policy (fake clock)', () => {
  let timers: sinon.SinonFakeTimers;
  let clock: PolicyClock;
  const options = { budgetMs: 4000, typingPauseMs: 800, cacheMs: 5 * 60_000 };

  beforeEach(() => {
    timers = sinon.useFakeTimers({ now: Date.parse('2026-12-04T12:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = { now: () => timers.now, setTimeout: (callback, ms) => timers.setTimeout(callback, ms), clearTimeout: (handle) => timers.clearTimeout(handle as never) };
  });
  afterEach(() => timers.restore());

  it('a question ending in ? goes to Q at once, without waiting for a pause', async () => {
    const asked: string[] = [];
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const outcome = await policy.handle('ada', 'How do I request time off?', instantQ(asked)('How do I request time off?'));
    assert.deepEqual(outcome, { kind: 'answered', answer: { text: 'answer to How do I request time off?' }, fromCache: false });
    assert.equal(timers.now, Date.parse('2026-12-04T12:00:00Z'), 'no time passed');
  });

  it('20 queries typed character by character (one every 150 ms) make exactly one Q call, for the whole question', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const question = 'When is payday here?';
    assert.equal(question.length, 20);
    const outcomes: Array<Promise<QueryOutcome<Answer>>> = [];
    for (let length = 1; length <= question.length; length++) {
      const typed = question.slice(0, length);
      outcomes.push(policy.handle('ada', typed, q.ask(typed)));
      await timers.tickAsync(150);
    }
    q.answerAll();
    await timers.tickAsync(1000);
    const settled = await Promise.all(outcomes);
    assert.deepEqual(q.asked, [question]);
    assert.deepEqual(settled.slice(0, 19).map((outcome) => outcome.kind), Array(19).fill('superseded'));
    assert.deepEqual(settled[19], { kind: 'answered', answer: { text: `answer to ${question}` }, fromCache: false });
  });

  it('a query held in its pause is released as superseded the moment a newer one arrives (clients cap open requests)', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    let first: QueryOutcome<Answer> | undefined;
    void policy.handle('ada', 'How do', q.ask('How do')).then((outcome) => (first = outcome));
    await timers.tickAsync(100);
    assert.equal(first, undefined);
    void policy.handle('ada', 'How do I', q.ask('How do I'));
    await timers.tickAsync(0);
    assert.deepEqual(first, { kind: 'superseded' }, 'without waiting for the rest of its pause');
  });

  it('without a final ?, the question goes to Q once the person has paused; not before', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const outcome = policy.handle('ada', 'vacation policy', q.ask('vacation policy'));
    await timers.tickAsync(799);
    assert.deepEqual(q.asked, []);
    await timers.tickAsync(1);
    assert.deepEqual(q.asked, ['vacation policy']);
    q.answerAll();
    assert.equal((await outcome).kind, 'answered');
  });

  it('the same question again (other case, spacing, final punctuation) is answered from the cache; another person asks Q themselves', async () => {
    const asked: string[] = [];
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    await policy.handle('ada', 'What is our expense policy?', instantQ(asked)('What is our expense policy?'));
    const again = await policy.handle('ada', '  what is  OUR expense policy ', instantQ(asked)('again'));
    assert.deepEqual(again, { kind: 'answered', answer: { text: 'answer to What is our expense policy?' }, fromCache: true });
    const grace = await policy.handle('grace', 'What is our expense policy?', instantQ(asked)('grace asks'));
    assert.deepEqual(grace, { kind: 'answered', answer: { text: 'answer to grace asks' }, fromCache: false });
    assert.deepEqual(asked, ['What is our expense policy?', 'grace asks']);
  });

  it('cached answers expire after the cache time', async () => {
    const asked: string[] = [];
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    await policy.handle('ada', 'Who approves travel?', instantQ(asked)('first'));
    await timers.tickAsync(5 * 60_000 - 1);
    assert.equal((await policy.handle('ada', 'Who approves travel?', instantQ(asked)('second'))).kind, 'answered');
    assert.deepEqual(asked, ['first']);
    await timers.tickAsync(2);
    await policy.handle('ada', 'Who approves travel?', instantQ(asked)('third'));
    assert.deepEqual(asked, ['first', 'third']);
  });

  it('Q slower than the budget: "working" when the budget is spent, then the next query gets the answer from the cache', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const first = policy.handle('ada', 'Summarise the travel policy?', q.ask('Summarise the travel policy?'));
    await timers.tickAsync(3999);
    let firstOutcome: QueryOutcome<Answer> | undefined;
    void first.then((outcome) => (firstOutcome = outcome));
    await timers.tickAsync(0);
    assert.equal(firstOutcome, undefined, 'still within the budget');
    await timers.tickAsync(1);
    assert.deepEqual(firstOutcome, { kind: 'working' });
    await timers.tickAsync(3000);
    q.answerAll();
    await timers.tickAsync(0);
    const next = await policy.handle('ada', 'Summarise the travel policy? ', q.ask('repeat'));
    assert.deepEqual(next, { kind: 'answered', answer: { text: 'answer to Summarise the travel policy?' }, fromCache: true });
    assert.deepEqual(q.asked, ['Summarise the travel policy?']);
  });

  it('the budget counts from arrival: a question completed by the pause has the rest of it', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const outcome = policy.handle('ada', 'travel policy', q.ask('travel policy'));
    let settled: QueryOutcome<Answer> | undefined;
    void outcome.then((value) => (settled = value));
    await timers.tickAsync(800 + 3199);
    assert.equal(settled, undefined);
    await timers.tickAsync(1);
    assert.deepEqual(settled, { kind: 'working' });
  });

  it('a repeat of the question in flight waits for the same Q call', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const first = policy.handle('ada', 'Where is the VPN guide?', q.ask('Where is the VPN guide?'));
    await timers.tickAsync(100);
    const repeat = policy.handle('ada', 'where is the vpn guide?', q.ask('repeat'));
    await timers.tickAsync(100);
    q.answerAll();
    assert.deepEqual((await first).kind, 'answered');
    assert.deepEqual(await repeat, { kind: 'answered', answer: { text: 'answer to Where is the VPN guide?' }, fromCache: false });
    assert.deepEqual(q.asked, ['Where is the VPN guide?']);
  });

  it('a newer question waits for the one in flight (one Q call at a time), then is asked and answered within its budget', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const first = policy.handle('ada', 'Where is the VPN guide?', q.ask('Where is the VPN guide?'));
    await timers.tickAsync(100);
    const other = policy.handle('ada', 'Who runs payroll?', q.ask('Who runs payroll?'));
    await timers.tickAsync(1000);
    assert.deepEqual(q.asked, ['Where is the VPN guide?'], 'not while the first is with Q');
    q.answerAll();
    await timers.tickAsync(0);
    assert.deepEqual(q.asked, ['Where is the VPN guide?', 'Who runs payroll?']);
    q.answerAll();
    assert.equal((await first).kind, 'answered');
    assert.deepEqual(await other, { kind: 'answered', answer: { text: 'answer to Who runs payroll?' }, fromCache: false });
  });

  it('a waiting question whose budget runs out says "working", is still asked when its turn comes, and is answered from the cache next', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    void policy.handle('ada', 'vpn', q.ask('vpn')).catch(() => undefined);
    await timers.tickAsync(1000);
    assert.deepEqual(q.asked, ['vpn'], 'a pause made the prefix a question');
    const full = policy.handle('ada', 'vpn guide for linux?', q.ask('vpn guide for linux?'));
    await timers.tickAsync(4000);
    assert.deepEqual(await full, { kind: 'working' });
    q.answerAll();
    await timers.tickAsync(0);
    assert.deepEqual(q.asked, ['vpn', 'vpn guide for linux?']);
    q.answerAll();
    await timers.tickAsync(0);
    const next = await policy.handle('ada', 'vpn guide for linux? ', q.ask('again'));
    assert.deepEqual(next, { kind: 'answered', answer: { text: 'answer to vpn guide for linux?' }, fromCache: true });
  });

  it('of several questions waiting, only the newest is asked', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    void policy.handle('ada', 'first?', q.ask('first?'));
    await timers.tickAsync(10);
    const second = policy.handle('ada', 'second?', q.ask('second?'));
    await timers.tickAsync(10);
    const third = policy.handle('ada', 'third?', q.ask('third?'));
    await timers.tickAsync(10);
    q.answerAll();
    await timers.tickAsync(0);
    q.answerAll();
    assert.deepEqual(await second, { kind: 'superseded' });
    assert.equal((await third).kind, 'answered');
    assert.deepEqual(q.asked, ['first?', 'third?']);
  });

  it('two people at once each get their own Q call', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const ada = policy.handle('ada', 'What is the on-call rota?', q.ask('ada: rota'));
    const grace = policy.handle('grace', 'What is the on-call rota?', q.ask('grace: rota'));
    await timers.tickAsync(0);
    assert.deepEqual(q.asked, ['ada: rota', 'grace: rota']);
    q.answerAll();
    assert.deepEqual([(await ada).kind, (await grace).kind], ['answered', 'answered']);
  });

  it('a failed Q call reaches the query that waits for it and is not cached; the next query asks again', async () => {
    const q = new ControlledQ();
    const policy = new QueryPolicy<Answer>({ ...options, clock });
    const failing = policy.handle('ada', 'Is the office open?', q.ask('first'));
    await timers.tickAsync(0);
    q.failAll();
    await assert.rejects(failing, /Q failed/);
    const retry = policy.handle('ada', 'Is the office open?', q.ask('second'));
    await timers.tickAsync(0);
    q.answerAll();
    assert.equal((await retry).kind, 'answered');
    assert.deepEqual(q.asked, ['first', 'second']);
  });

  it('answers the caller marks as not worth repeating are not cached', async () => {
    const asked: string[] = [];
    const policy = new QueryPolicy<Answer>({ ...options, clock, isCacheable: (answer) => !answer.text.includes('busy') });
    await policy.handle('ada', 'Q is busy?', instantQ(asked)('busy'));
    await policy.handle('ada', 'Q is busy?', instantQ(asked)('busy again'));
    assert.deepEqual(asked, ['busy', 'busy again']);
    assert.equal(policy.cachedAnswers, 0);
  });
});

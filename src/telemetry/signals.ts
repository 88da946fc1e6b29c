/**
 * The bot's own metrics, recorded from where things happen (one line at each place) through this
 * small recorder. Until telemetry starts (and whenever it is off) every call is a no-op, so the
 * bot pays nothing for them. Attribute values are fixed vocabularies (outcomes, states), never
 * text a person typed or an identifier of a person.
 */
import { trace, type Attributes, type Meter, type Span } from '@opentelemetry/api';

/** Metric names: alert rules and dashboards (infra/) refer to these. */
export const METRICS = {
  answers: 'qteams.answers',
  answerDuration: 'qteams.answer.duration',
  qDuration: 'qteams.q.duration',
  qThrottled: 'qteams.q.throttled',
  signIns: 'qteams.signins',
  votes: 'qteams.votes',
  serverErrors: 'qteams.http.server.errors',
  expertRequests: 'qteams.expert.requests',
  expertTimeToAnswer: 'qteams.expert.time_to_answer',
  expertRatings: 'qteams.expert.ratings',
} as const;

/** The attribute (dimension) names each metric carries: the workbook and alert rules may use only these. */
export const METRIC_ATTRIBUTES: Record<(typeof METRICS)[keyof typeof METRICS], readonly string[]> = {
  'qteams.answers': ['outcome', 'scope'],
  'qteams.answer.duration': ['outcome', 'scope'],
  'qteams.q.duration': ['operation', 'outcome'],
  'qteams.q.throttled': ['operation'],
  'qteams.signins': ['outcome'],
  'qteams.votes': ['state', 'vote'],
  'qteams.http.server.errors': ['http.response.status_code', 'http.route'],
  'qteams.expert.requests': ['state'],
  'qteams.expert.time_to_answer': [],
  'qteams.expert.ratings': ['vote'],
};

/** The knowledge scope dimension of a space without one. */
export const NO_SCOPE = '(none)';

/** Set on the activity's server span by whichever handler knows how the activity ended. */
export const OUTCOME_ATTRIBUTE = 'qteams.outcome';

export type VoteState = 'recorded' | 'pending' | 'failed';

interface Counter<A extends Attributes> {
  add(value: number, attributes: A): void;
}
interface Histogram<A extends Attributes> {
  record(value: number, attributes: A): void;
}

export interface AnswerTimer {
  /** The answer turn is over: count it by outcome and record how long it took. */
  end(outcome: string): void;
}

const NOOP_COUNTER = { add: () => undefined };
const NOOP_HISTOGRAM = { record: () => undefined };

/** Bucket bounds (ms) for answer and Q latency: answers take seconds, Teams gives up after about 15. */
const DURATION_BUCKETS_MS = [50, 100, 250, 500, 1000, 2000, 3000, 5000, 7500, 10000, 15000, 30000, 60000];

class BotSignals {
  votes: Counter<{ state: VoteState; vote: 'up' | 'down' }> = NOOP_COUNTER;
  signIns: Counter<{ outcome: string }> = NOOP_COUNTER;
  answerCount: Counter<{ outcome: string; scope: string }> = NOOP_COUNTER;
  answerDuration: Histogram<{ outcome: string; scope: string }> = NOOP_HISTOGRAM;
  /** Ask an expert: requests opened and answered (ids and counts only). */
  expertRequests: Counter<{ state: 'opened' | 'answered' }> = NOOP_COUNTER;
  /** Seconds from a request being opened to its answer. */
  expertTimeToAnswer: Histogram<Record<string, never>> = NOOP_HISTOGRAM;
  /** The asker's one rating of an expert's answer (Q never sees it: it is not a Q message). */
  expertRatings: Counter<{ vote: 'up' | 'down' }> = NOOP_COUNTER;
  qDuration: Histogram<{ operation: string; outcome: string }> = NOOP_HISTOGRAM;
  qThrottled: Counter<{ operation: string }> = NOOP_COUNTER;
  serverErrors: Counter<{ 'http.response.status_code': number; 'http.route': string }> = NOOP_COUNTER;
  private on = false;

  get enabled(): boolean {
    return this.on;
  }

  answers = {
    /** `scope`: the space's knowledge scope name (an operator's label, never a person's text). */
    start: (scope: string = NO_SCOPE): AnswerTimer => {
      if (!this.on) return NOOP_TIMER;
      const started = performance.now();
      const span = trace.getActiveSpan();
      return {
        end: (outcome: string) => {
          this.answerCount.add(1, { outcome, scope });
          this.answerDuration.record(performance.now() - started, { outcome, scope });
          markOutcome(span, outcome);
        },
      };
    },
  };

  /** Marks how the current activity ended (sign-in, vote…) on its server span. */
  outcome(outcome: string): void {
    if (this.on) markOutcome(trace.getActiveSpan(), outcome);
  }

  bind(meter: Meter): void {
    const votes = meter.createCounter(METRICS.votes, { description: 'Votes (👍/👎) by state: recorded in Q, pending (queued for retry), failed' });
    const signIns = meter.createCounter(METRICS.signIns, { description: 'Sign-ins (Teams SSO → Identity Center → STS) by outcome' });
    // Both also say how the current activity ended, on its server span.
    this.votes = { add: (value, attributes) => (votes.add(value, attributes), this.outcome(`vote ${attributes.state}`)) };
    this.signIns = { add: (value, attributes) => (signIns.add(value, attributes), this.outcome(`signIn ${attributes.outcome}`)) };
    this.answerCount = meter.createCounter(METRICS.answers, { description: 'Questions answered, by outcome' });
    this.answerDuration = meter.createHistogram(METRICS.answerDuration, {
      description: 'Time from a question reaching the bot to its reply being sent',
      unit: 'ms',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_MS },
    });
    this.qDuration = meter.createHistogram(METRICS.qDuration, {
      description: 'Amazon Q Business call duration (SDK retries included), by operation and outcome',
      unit: 'ms',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_MS },
    });
    this.qThrottled = meter.createCounter(METRICS.qThrottled, { description: 'Amazon Q Business attempts refused with throttling (each SDK retry counts)' });
    this.serverErrors = meter.createCounter(METRICS.serverErrors, { description: 'HTTP responses with status 5xx' });
    this.expertRequests = meter.createCounter(METRICS.expertRequests, { description: 'Ask an expert: requests opened and answered' });
    this.expertTimeToAnswer = meter.createHistogram(METRICS.expertTimeToAnswer, { description: 'Ask an expert: time from request to answer', unit: 's' });
    this.expertRatings = meter.createCounter(METRICS.expertRatings, { description: "Ask an expert: askers' ratings of experts' answers, once per answer" });
    this.on = true;
  }

  unbind(): void {
    this.on = false;
    this.votes = this.signIns = this.answerCount = this.qThrottled = NOOP_COUNTER;
    this.serverErrors = this.expertRequests = this.expertRatings = NOOP_COUNTER;
    this.answerDuration = this.qDuration = this.expertTimeToAnswer = NOOP_HISTOGRAM;
  }
}

/** Work finished after its activity was answered (sign-in completes in the background) has no open span to mark. */
function markOutcome(span: Span | undefined, outcome: string): void {
  if (span?.isRecording()) span.setAttribute(OUTCOME_ATTRIBUTE, outcome);
}

const NOOP_TIMER: AnswerTimer = { end: () => undefined };

/** The process-wide recorder (like OpenTelemetry's own global API): `telemetry.votes.add(1, { state: 'recorded' })`. */
export const telemetry = new BotSignals();

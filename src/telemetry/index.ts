/** Telemetry (OpenTelemetry → Azure Monitor / OTLP): what the composition root and the handlers use. */
export { startTelemetry, type RunningTelemetry } from './sdk';
export { telemetry, METRICS, OUTCOME_ATTRIBUTE, type VoteState, type AnswerTimer } from './signals';
export { traceActivities, countServerErrors, describeActivity } from './activitySpans';
export { traceAwsClient, tracedQClients, type MiddlewareStackHolder } from './awsClients';
export { tracedStorage } from './storage';
export { logHooks, type LogHooks } from './logCorrelation';

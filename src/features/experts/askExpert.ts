/**
 * Ask an expert: the asker's dialog and request, posted to the experts' channel with the bot's own
 * identity; an expert's dialog and answer (members of that team only, checked with Teams' roster
 * API, and once per request); the answer delivered where the question was asked (1:1: in the chat;
 * channel or group chat: privately, through a placeholder whose refresh shows only the asker the
 * answer); and the asker's rating. Every check is against the stored request, never the card.
 */
import type { Logger } from 'pino';
import { askExpertDialog, dialog, dialogMessage, EXPERT_ANSWER_MAX_CHARS, expertAnswerCard, expertAnswerDialog, expertAnswerPlaceholder, expertRequestCard, QUESTION_MAX_CHARS } from '../../cards/expertCards';
import { cardMessage } from '../../cards/messages';
import type { AdaptiveCardJson } from '../../cards/types';
import { plainLine } from '../../content/plainText';
import type { ChannelPoster, ExpertRequest, TeamRoster } from '../../domain/experts';
import type { SpacePolicies } from '../../domain/spacePolicy';
import type { ProactiveTurns, TeamsTurn } from '../../domain/turn';
import { errorForLog } from '../../errors';
import { telemetry } from '../../telemetry/signals';
import type { AnswerStore } from '../feedback/answerStore';
import type { ExpertRequestStore } from './expertRequests';

export interface AskExpertDependencies {
  requests: ExpertRequestStore;
  answers: AnswerStore;
  spaces: SpacePolicies;
  roster: TeamRoster;
  channels: ChannelPoster;
  proactive: ProactiveTurns;
  logger: Logger;
  now: () => Date;
}

/** A Teams dialog response (task module). */
export type DialogResponse = ReturnType<typeof dialog> | ReturnType<typeof dialogMessage>;

const GONE = 'This request is no longer available.';
const NOT_MEMBER = 'Only members of the experts’ team can answer this request.';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The expert's multi-line text: hidden characters and surrounding space removed, length capped. */
function expertText(value: unknown): string {
  return text(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim().slice(0, EXPERT_ANSWER_MAX_CHARS);
}

export class AskExpert {
  constructor(private readonly deps: AskExpertDependencies) {}

  /** The asker's dialog: what will be shared, and where. */
  async askDialog(turn: TeamsTurn, data: Record<string, unknown>, problem?: string): Promise<DialogResponse> {
    const space = this.deps.spaces(turn);
    if (!space.experts) return dialogMessage('No experts’ channel is set up for this place. Ask your Teams admin.');
    const answer = await this.ownAnswer(turn, data.answerKey);
    return dialog(
      'Ask an expert',
      askExpertDialog({
        question: text(data.question),
        askerName: turn.activity.from.name ?? 'Someone',
        destination: space.scope?.name ?? 'this organisation',
        ...(answer ? { answer: { sourceTitles: answer.sources }, answerKey: text(data.answerKey) } : {}),
        ...(problem ? { problem } : {}),
      }),
    );
  }

  /** The asker sent the dialog: the request is stored and posted to the experts' channel. */
  async ask(turn: TeamsTurn, data: Record<string, unknown>): Promise<DialogResponse> {
    const space = this.deps.spaces(turn);
    const log = this.deps.logger.child({ activityId: turn.activity.id, event: 'expertRequest' });
    if (!space.experts) return dialogMessage('No experts’ channel is set up for this place. Ask your Teams admin.');
    const question = plainLine(data.question, QUESTION_MAX_CHARS);
    if (!question) return this.askDialog(turn, data, 'Please enter a question.');
    const answer = data.includeAnswer === 'true' ? await this.ownAnswer(turn, data.answerKey) : undefined;
    const request: ExpertRequest = {
      askerKey: turn.asker.key,
      askerName: plainLine(turn.activity.from.name, 80) || 'Someone',
      askerTeamsId: turn.activity.from.id,
      askerAddress: turn.address(),
      sharedSpace: space.shared,
      question,
      ...(answer ? { qAnswer: { markdown: answer.markdown, sources: data.includeSources === 'true' ? answer.sources : [] } } : {}),
      experts: space.experts,
      openedAt: this.deps.now().getTime(),
    };
    const requestKey = await this.deps.requests.open(request);
    const card = expertRequestCard({ requestKey, askerName: request.askerName, question, ...(space.scope ? { scopeName: space.scope.name } : {}), ...(request.qAnswer ? { qAnswer: request.qAnswer } : {}) });
    try {
      await this.deps.channels.postToChannel(turn, space.experts.channelId, cardMessage(card));
    } catch (error) {
      log.warn({ outcome: 'postRefused', requestKey, error: errorForLog(error) }, 'the experts’ channel refused the request');
      return dialogMessage('Your question could not be posted to the experts’ channel right now (is the app installed in that team?). Please try again later.');
    }
    telemetry.expertRequests.add(1, { state: 'opened' });
    log.info({ outcome: 'opened', requestKey, withAnswer: Boolean(answer) }, 'expert request opened');
    return dialogMessage('Sent to the experts. Their answer will come back to you here.');
  }

  /** An expert's dialog, for members of the experts' team only, while the request is open. */
  async answerDialog(turn: TeamsTurn, data: Record<string, unknown>): Promise<DialogResponse> {
    const checked = await this.checkExpert(turn, text(data.requestKey));
    if (typeof checked === 'string') return dialogMessage(checked);
    return dialog('Answer the question', expertAnswerDialog({ question: checked.request.question, askerName: checked.request.askerName, requestKey: checked.requestKey }));
  }

  /** An expert sent an answer: kept once, delivered to the asker, and the request card says who answered. */
  async answer(turn: TeamsTurn, data: Record<string, unknown>): Promise<DialogResponse> {
    const log = this.deps.logger.child({ activityId: turn.activity.id, event: 'expertAnswer' });
    const checked = await this.checkExpert(turn, text(data.requestKey));
    if (typeof checked === 'string') return dialogMessage(checked);
    const { requestKey, request } = checked;
    const markdown = expertText(data.answer);
    if (!markdown) return dialog('Answer the question', expertAnswerDialog({ question: request.question, askerName: request.askerName, requestKey, problem: 'Please write an answer.' }));
    const at = this.deps.now().getTime();
    const outcome = await this.deps.requests.answer(requestKey, { expertName: plainLine(turn.activity.from.name, 80) || 'An expert', expertKey: turn.asker.key, markdown, at });
    if (outcome.kind === 'notFound') return dialogMessage(GONE);
    if (outcome.kind === 'alreadyAnswered') {
      log.info({ outcome: 'alreadyAnswered', requestKey }, 'a second answer to an answered request');
      return dialogMessage(alreadyAnswered(outcome.request));
    }
    telemetry.expertRequests.add(1, { state: 'answered' });
    telemetry.expertTimeToAnswer.record(Math.max(0, (at - request.openedAt) / 1000), {});
    log.info({ outcome: 'answered', requestKey }, 'expert request answered');
    await this.markAnswered(turn, requestKey, outcome.request);
    try {
      await this.deliver(requestKey, outcome.request);
    } catch (error) {
      log.warn({ outcome: 'deliveryRefused', requestKey, error: errorForLog(error) }, 'the answer could not be delivered to the asker');
      return dialogMessage('Your answer is saved, but Teams refused to deliver it to the asker right now.');
    }
    return dialogMessage('Thank you: your answer was sent to the person who asked.');
  }

  /** A private delivery's refresh and "Show me the answer": the asker's view, a placeholder for anyone else. */
  async show(turn: TeamsTurn, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const requestKey = text(data.requestKey);
    const request = requestKey ? await this.deps.requests.read(requestKey) : undefined;
    if (!request?.answer) return GONE;
    if (request.askerKey !== turn.asker.key) return expertAnswerPlaceholder({ requestKey, askerName: request.askerName, askerTeamsId: request.askerTeamsId, notice: 'Only the person who asked can see this answer.' });
    return answerView(requestKey, request);
  }

  /** The asker rates the expert's answer once. */
  async rate(turn: TeamsTurn, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const requestKey = text(data.requestKey);
    const vote = data.vote === 'up' || data.vote === 'down' ? data.vote : undefined;
    const request = requestKey ? await this.deps.requests.read(requestKey) : undefined;
    if (!request?.answer || !vote) return GONE;
    if (request.askerKey !== turn.asker.key) return request.sharedSpace ? expertAnswerPlaceholder({ requestKey, askerName: request.askerName, askerTeamsId: request.askerTeamsId, notice: 'Only the person who asked can rate this answer.' }) : GONE;
    const { request: written, rated } = await this.deps.requests.rate(requestKey, vote);
    if (rated) {
      telemetry.expertRatings.add(1, { vote });
      this.deps.logger.info({ activityId: turn.activity.id, event: 'expertRating', requestKey, vote }, 'expert answer rated');
    }
    return answerView(requestKey, written ?? request);
  }

  /** The asker's own stored answer (never someone else's), by the key on their card. */
  private async ownAnswer(turn: TeamsTurn, answerKey: unknown): Promise<{ markdown: string; sources: string[] } | undefined> {
    if (typeof answerKey !== 'string' || !answerKey) return undefined;
    const record = (await this.deps.answers.read(answerKey))?.value;
    if (!record || record.askerKey !== turn.asker.key) return undefined;
    return { markdown: record.card.markdown, sources: record.card.sources.map((source) => source.title) };
  }

  /** The request, if it is open and the sender is in the experts' team roster; else why not. */
  private async checkExpert(turn: TeamsTurn, requestKey: string): Promise<{ requestKey: string; request: ExpertRequest } | string> {
    const request = requestKey ? await this.deps.requests.read(requestKey) : undefined;
    if (!request) return GONE;
    if (request.answer) return alreadyAnswered(request);
    let member = false;
    try {
      member = await this.deps.roster.isMember(turn, request.experts.teamId, turn.activity.from.id);
    } catch (error) {
      this.deps.logger.warn({ activityId: turn.activity.id, event: 'expertAnswer', outcome: 'rosterUnavailable', error: errorForLog(error) }, 'the team roster could not be read');
      return 'Teams could not confirm that you are in the experts’ team right now. Please try again.';
    }
    if (!member) {
      this.deps.logger.warn({ activityId: turn.activity.id, event: 'expertAnswer', outcome: 'notMember', requestKey }, 'answer refused: sender is not in the experts’ team');
      return NOT_MEMBER;
    }
    return { requestKey, request };
  }

  /** The request card in the experts' channel now says who answered and when (best effort). */
  private async markAnswered(turn: TeamsTurn, requestKey: string, request: ExpertRequest): Promise<void> {
    const messageId = turn.activity.replyToId;
    if (!messageId || !request.answer) return;
    try {
      await turn.update({ ...cardMessage(expertRequestCard({ requestKey, askerName: request.askerName, question: request.question, ...(request.qAnswer ? { qAnswer: request.qAnswer } : {}), answered: { expertName: request.answer.expertName, at: new Date(request.answer.at) } })), id: messageId });
    } catch (error) {
      this.deps.logger.warn({ event: 'expertAnswer', outcome: 'cardUpdateRefused', requestKey, error: errorForLog(error) }, 'the request card could not be marked answered');
    }
  }

  /** Where the question was asked: the answer itself in a 1:1 chat, a private placeholder in a shared space. */
  private async deliver(requestKey: string, request: ExpertRequest): Promise<void> {
    const card = request.sharedSpace ? expertAnswerPlaceholder({ requestKey, askerName: request.askerName, askerTeamsId: request.askerTeamsId }) : answerView(requestKey, request);
    await this.deps.proactive.continueIn(request.askerAddress as never, async (turn) => {
      await turn.send(cardMessage(card));
    });
  }
}

function answerView(requestKey: string, request: ExpertRequest): AdaptiveCardJson {
  const answer = request.answer as NonNullable<ExpertRequest['answer']>;
  return expertAnswerCard({ requestKey, question: request.question, expertName: answer.expertName, markdown: answer.markdown, ...(request.rating ? { rating: request.rating } : {}) });
}

function alreadyAnswered(request: ExpertRequest): string {
  const answer = request.answer;
  if (!answer) return GONE;
  return `This request was already answered by ${answer.expertName} at ${new Date(answer.at).toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
}

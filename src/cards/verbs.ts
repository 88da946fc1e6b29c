/**
 * Every card verb the bot uses, declared once: the cards put them on buttons and each feature
 * routes its own (src/features/<feature>/routes.ts). Changing one changes both sides.
 */
export const VERBS = {
  feedbackUp: 'feedback.up',
  feedbackDown: 'feedback.down',
  feedbackSubmitNegative: 'feedback.submitNegative',
  feedbackCancel: 'feedback.cancel',
  refreshAnswer: 'answer.refresh',
  /** A private answer in a shared space: the asker's own view (refresh, and "Show me the answer"). */
  showAnswer: 'answer.show',
  shareAnswer: 'answer.share',
  askAsMe: 'answer.askAsMe',
  /** A plugin action waiting for review in a shared space: the asker's own view of the form. */
  pluginShow: 'plugin.show',
  newConversation: 'conversation.new',
  retryQuestion: 'question.retry',
  pluginExecute: 'plugin.execute',
  pluginCancel: 'plugin.cancel',
  pluginResume: 'plugin.resume',
  signInInPlace: 'signin.inplace',
  /** Older clients without Universal Actions: sign in through a 1:1 chat instead. */
  signInDirect: 'signin.direct',
  /** Ask an expert (src/features/experts): the asker's dialog, the expert's dialog, the private delivery, the rating. */
  expertAsk: 'expert.ask',
  expertAnswer: 'expert.answer',
  expertShow: 'expert.show',
  expertRate: 'expert.rate',
} as const;

/** The verbs of the rating controls on an answer card (refresh shows the asker their own view). */
export const FEEDBACK_VERBS = [VERBS.feedbackUp, VERBS.feedbackDown, VERBS.feedbackSubmitNegative, VERBS.feedbackCancel, VERBS.refreshAnswer, VERBS.showAnswer];

import assert from 'node:assert/strict';
import { buildAnswerCard } from '../../../src/cards/answerCard';
import { placeCitations } from '../../../src/cards/citations';
import { cardBudget, fitAnswerToTeams } from '../../../src/cards/teamsLimits';
import { utf16Bytes } from '../../../src/content/sizeBudget';
import type { SourceAttribution } from '../../../src/domain/answer';
import { activityProblems } from '../../helpers/contentChecks';
import { HOSTILE_DOCUMENTS, type HostileDocument } from '../../helpers/hostileContent';

/** What Q would return for a hostile document, as the Q client maps it. */
function attributions(document: HostileDocument): SourceAttribution[] {
  const count = document.sources ?? 1;
  const segments = (document.segments ?? [{ beginOffset: 0, endOffset: document.body.length }]).map((segment) => ({ ...segment, snippet: document.snippet }));
  return Array.from({ length: count }, (_, index) => ({
    citationNumber: index + 1,
    title: count === 1 ? document.title : `${document.title} ${index + 1}`,
    url: count === 1 ? document.url : `${document.url}/${index + 1}`,
    snippet: document.snippet ?? document.body.slice(0, 200),
    segments,
  }));
}

describe('content: the answer card builder keeps every hostile answer within the budget it is given', () => {
  for (const [surface, budget] of [['message', cardBudget('message')], ['message extension result', cardBudget('messageExtensionResult')]] as const) {
    it(`${surface}: ${budget} bytes for the card, in every view`, () => {
      for (const document of HOSTILE_DOCUMENTS) {
        const cited = placeCitations(document.body, attributions(document));
        const { model, card } = fitAnswerToTeams({ answerKey: 'k', markdown: cited.markdown, sources: cited.sources, feedback: { vote: 'none' }, view: 'vote', failedAttachments: [{ name: document.title, message: document.snippet ?? document.body }] }, budget);
        const reasons = buildAnswerCard({ ...model, view: 'reasons', viewer: 'asker', feedbackProblem: 'x'.repeat(200) });
        for (const view of [card, reasons]) {
          assert.ok(utf16Bytes(view) <= budget, `${document.name}: ${utf16Bytes(view)} bytes`);
          assert.deepEqual(activityProblems({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: view }] }), [], document.name);
        }
      }
    });
  }
});

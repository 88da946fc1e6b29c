/**
 * Every hostile document shape on the card builders the local Q cannot reach with document text:
 * Q's ValidationException message, failed-attachment names and messages, attached file names,
 * the message action's dialog, message-extension previews, plugin forms re-rendered after a missing
 * value. Each card is checked like the content-injection suite checks sent activities: schema,
 * no link under CommonMark or the naive parser in any markdown-parsed field, no document text
 * (DOCUMENT_MARKER) in a TextBlock, toggle title, error message, fact or button title, nothing hidden.
 */
import assert from 'node:assert/strict';
import { buildAnswerCard } from '../../src/cards/answerCard';
import { channelFilesCard, failureCard, fileProblemsCard } from '../../src/cards/messageCards';
import { pluginFormCard } from '../../src/cards/pluginCards';
import { QFailure } from '../../src/domain/failure';
import { markdownPreview, previewLine, problemItem, questionDialog, resultList } from '../../src/features/messageExtension/responses';
import { hostileDocument } from '../../localdev/qbusiness/hostileDocuments';
import { adaptiveCardProblems, markdownProblems } from '../helpers/contentChecks';
import { HOSTILE_DOCUMENTS } from '../helpers/hostileContent';

describe('hostile document text on every card builder', function () {
  this.timeout(60_000);
  for (const { name } of HOSTILE_DOCUMENTS) {
    it(name, () => {
      const document = hostileDocument(name) ?? assert.fail('no document');
      const text = document.snippet ?? document.body.slice(0, 2000);
      const cards: Array<[string, unknown]> = [
        ['validation failure', failureCard(new QFailure('validation', `${document.title} ${text}`, 'req-1', 'ValidationException'))],
        ['interrupted answer', failureCard(new QFailure('throttled', 'x', 'req-1', 'ThrottlingException'), 'retry', document.body)],
        ['file problems', fileProblemsCard([`${document.title}: ${text}`])],
        ['channel files', channelFilesCard([document.title, text])],
        [
          'failed attachments',
          buildAnswerCard({ answerKey: 'k', markdown: document.body.slice(0, 3000), sources: [], feedback: { vote: 'none' }, view: 'vote', failedAttachments: [{ name: document.title, message: text }], askedBy: document.title }),
        ],
        ['dialog', (questionDialog({ question: document.body.slice(0, 500), notIncluded: [document.title, text], problem: text }) as any).task.value.card.content],
        [
          'plugin form after a missing value',
          pluginFormCard(
            'key',
            { pluginId: 'p', pluginType: document.title, separator: '.', fields: [{ name: 'f', displayName: document.title, description: text, order: 1, type: 'BOOLEAN', required: true, allowedFormat: text }] } as never,
            `${document.title} is required.`,
          ),
        ],
      ];
      for (const [surface, card] of cards) assert.deepEqual(adaptiveCardProblems(card), [], `${name} on ${surface}`);
      // Previews: thumbnail text and the action command's dialog text.
      const item = problemItem(failureCard(new QFailure('validation', `${document.title} ${text}`, 'req-1', 'ValidationException')));
      const previews = [item.preview.title, item.preview.text, markdownPreview(document.body, 200), previewLine(document.title, 80)];
      for (const preview of previews) assert.deepEqual(markdownProblems(preview, 'preview'), [], `${name} preview: ${preview.slice(0, 80)}`);
      const list = resultList([item]) as any;
      assert.deepEqual(markdownProblems(JSON.stringify(list.composeExtension.attachments[0].preview.content), 'preview'), [], name);
    });
  }
});

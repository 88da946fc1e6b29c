/**
 * The message extension's pure parts: which questions are the same and complete, what Q would
 * refuse, the text of a Teams message an action starts on, and the response bodies and cards
 * (valid Adaptive Card 1.5, user text kept as text).
 */
import assert from 'node:assert/strict';
import { checkQuestion, endsAsQuestion, normaliseQuestion, textOfMessage } from '../../src/features/messageExtension/questionText';
import { DIALOG_FIELDS, keepTypingItem, markdownPreview, questionDialog, resultList, silentAuthResponse, signInResponse, workingItem } from '../../src/features/messageExtension/responses';
import { citationMarker as cite } from '../../src/content/citationMarkers';
import { libraryErrors, schemaErrors } from '../helpers/cardValidation';

describe('message extension questions and responses', () => {
  it('one question, many spellings: case, spaces, width forms and final punctuation share a key', () => {
    const key = normaliseQuestion('How do I request time off?');
    for (const spelling of ['how do i request time off', '  HOW do I  request\ttime off ?? ', 'How do I request time off？', 'Ｈow do I request time off.']) {
      assert.equal(normaliseQuestion(spelling), key, spelling);
    }
    assert.notEqual(normaliseQuestion('How do I request time off for parents?'), key);
  });

  it('a final ? completes a question, also before trailing spaces and as a full-width ？', () => {
    assert.ok(endsAsQuestion('Who approves travel?'));
    assert.ok(endsAsQuestion('Who approves travel?  '));
    assert.ok(endsAsQuestion('誰が承認しますか？'));
    assert.ok(!endsAsQuestion('Who approves travel'));
    assert.ok(!endsAsQuestion('Is it? Maybe not'));
  });

  it('empty, punctuation-only and 7,001-character questions are refused with the reason', () => {
    assert.deepEqual(checkQuestion(undefined), { kind: 'emptyQuestion' });
    assert.deepEqual(checkQuestion('   '), { kind: 'emptyQuestion' });
    assert.deepEqual(checkQuestion('???'), { kind: 'emptyQuestion' });
    assert.deepEqual(checkQuestion('x'.repeat(7001)), { kind: 'questionTooLong', characters: 7001 });
    assert.deepEqual(checkQuestion(` ${'x'.repeat(7000)} `), { kind: 'question', text: 'x'.repeat(7000) });
  });

  it('the text of a Teams HTML message: entities decoded, paragraphs and mentions kept, scripts dropped; files listed as not included', () => {
    const result = textOfMessage({
      body: { contentType: 'html', content: '<p>Hi <at id="0">Grace</at>, what&#39;s the <b>travel</b>&nbsp;limit?</p><p>Thanks &amp; regards</p><script>alert(1)</script>' },
      attachments: [
        { contentType: 'reference', name: 'Budget 2027.xlsx' },
        { contentType: 'application/vnd.microsoft.card.adaptive' },
        { contentType: 'text/html' },
      ],
    });
    assert.equal(result.text, "Hi Grace, what's the travel limit?\n\nThanks & regards");
    assert.deepEqual(result.notIncluded, ['Budget 2027.xlsx', 'a card']);
    assert.deepEqual(textOfMessage({ body: { contentType: 'text', content: '  plain  <b>text</b> ' } }), { text: 'plain <b>text</b>', notIncluded: [] });
    assert.deepEqual(textOfMessage(undefined), { text: '', notIncluded: [] });
  });

  it('the action dialog: an editable question box with the message text, a hint and the files not included; valid Adaptive Card 1.5', () => {
    const dialog = questionDialog({ question: 'What is the travel limit?', notIncluded: ['Budget.xlsx'], problem: 'Type a question to ask.' }) as any;
    assert.equal(dialog.task.type, 'continue');
    const card = dialog.task.value.card.content;
    assert.deepEqual(schemaErrors(card), []);
    assert.deepEqual(libraryErrors(card), []);
    const input = card.body.find((element: { type: string }) => element.type === 'Input.Text');
    assert.equal(input.id, DIALOG_FIELDS.question);
    assert.equal(input.value, 'What is the travel limit?');
    assert.equal(input.maxLength, 7000);
    assert.match(JSON.stringify(card.body), /Not included \(Q gets the text only\): Budget\.xlsx/);
    assert.equal(card.actions[0].type, 'Action.Submit');
  });

  it('result lists carry each card with a one-line preview; previews and cards keep user text as text', () => {
    const working = workingItem('[click](javascript:alert(1)) <b>now</b>\u202e?');
    const body = resultList([working, keepTypingItem()]) as any;
    assert.equal(body.composeExtension.type, 'result');
    assert.equal(body.composeExtension.attachmentLayout, 'list');
    assert.equal(body.composeExtension.attachments.length, 2);
    for (const attachment of body.composeExtension.attachments) {
      assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.deepEqual(schemaErrors(attachment.content), []);
      assert.equal(attachment.preview.contentType, 'application/vnd.microsoft.card.thumbnail');
      assert.ok(attachment.preview.content.title.length > 0);
    }
    const cardText = JSON.stringify(body.composeExtension.attachments[0].content);
    // The question is a TextRun (never parsed as markdown), shown exactly as typed.
    assert.ok(cardText.includes('{"type":"TextRun","text":"[click](javascript:alert(1)) <b>now</b>?","isSubtle":true}'), cardText);
    assert.ok(!cardText.includes('\u202e'));
  });

  it('an answer preview is its first words as plain text: no markdown syntax, no citation markers', () => {
    assert.equal(markdownPreview(`### Daily allowances\n\n- **Meals**: 60 EUR ${cite(1)}\n- See [the policy](https://intranet.example/policy) \`now\``, 200), 'Daily allowances • Meals: 60 EUR • See the policy now');
    assert.equal(markdownPreview(`Ask\u2060 \u061Cus\u{E0041} at it@corp.example or https://evil.example\uFEFF ${cite(1)}`, 200), 'Ask us at it at corp.example or https: //evil.example');
    assert.equal(markdownPreview('x'.repeat(300), 200).length, 200);
  });

  it('sign-in responses: silentAuth for search, auth (the sign-in pop-up) for actions, both opening the bot’s sign-in page', () => {
    const url = 'https://bot.example.com/auth-start.html';
    assert.deepEqual(silentAuthResponse(url), { composeExtension: { type: 'silentAuth', suggestedActions: { actions: [{ type: 'openUrl', value: url, title: 'Sign in to Amazon Q Business' }] } } });
    assert.equal(signInResponse(url).composeExtension.type, 'auth');
  });
});

import assert from 'node:assert/strict';
import { recapFailureCard, type RecapFailureKind } from '../../src/cards/meetingRecapCards';
import { transcriptFiles, transcriptLines } from '../../src/features/meetingRecap/transcriptFile';
import { libraryErrors, schemaErrors } from '../helpers/cardValidation';

const VTT = [
  'WEBVTT',
  '',
  'a1b2c3d4-0001/1-0',
  '00:00:04.120 --> 00:00:09.480',
  '<v Ada Lovelace>Thanks for joining.</v>',
  '',
  'a1b2c3d4-0002/1-0',
  '00:00:10.000 --> 00:00:12.000',
  '<v Ada Lovelace>First, the budget.</v>',
  '',
  'NOTE this is a comment',
  '',
  '01:02:03.000 --> 01:02:05.000',
  '<v Grace Hopper>I will <b>book</b> it.</v>',
  '',
  '01:02:06.000 --> 01:02:07.000',
  'A line without a voice tag',
].join('\r\n');

describe('meeting transcript → Q files', () => {
  it('turns WebVTT cues into "Speaker (time): text" lines, joining one speaker\'s consecutive cues', () => {
    assert.deepEqual(transcriptLines(VTT), [
      'Ada Lovelace (00:00:04): Thanks for joining. First, the budget.',
      'Grace Hopper (01:02:03): I will book it.',
      'Unknown speaker (01:02:06): A line without a voice tag',
    ]);
  });

  it('fits in one file when it can', () => {
    const fitted = transcriptFiles(VTT);
    assert.equal(fitted.files.length, 1);
    assert.equal(fitted.files[0]?.name, 'meeting-transcript.txt');
    assert.equal(fitted.droppedLines, 0);
  });

  it('splits into parts within the size limit, and beyond the file limit keeps the start and says up to when', () => {
    const cues = Array.from({ length: 10 }, (_, index) => `00:00:${String(index).padStart(2, '0')}.000 --> 00:00:${String(index + 1).padStart(2, '0')}.000\n<v Speaker ${index}>${'x'.repeat(40)}</v>`);
    const vtt = `WEBVTT\n\n${cues.join('\n\n')}`;
    const split = transcriptFiles(vtt, { maxFiles: 5, maxBytes: 140 });
    assert.deepEqual(split.files.map((file) => file.name), ['meeting-transcript-part-1.txt', 'meeting-transcript-part-2.txt', 'meeting-transcript-part-3.txt', 'meeting-transcript-part-4.txt', 'meeting-transcript-part-5.txt']);
    for (const file of split.files) assert.ok(file.data.length <= 140);
    assert.equal(split.droppedLines, 0);

    const trimmed = transcriptFiles(vtt, { maxFiles: 2, maxBytes: 140 });
    assert.equal(trimmed.files.length, 2);
    assert.equal(trimmed.droppedLines, 6);
    assert.equal(trimmed.coveredUntil, '00:00:03');
  });

  it('every recap failure card is a valid Adaptive Card 1.5 that says what happened', () => {
    const kinds: RecapFailureKind[] = ['notSetUp', 'notInMeeting', 'notScheduled', 'channelMeeting', 'noTranscript', 'notReady', 'consentMissing', 'expired', 'throttled', 'unavailable'];
    const titles = new Set<string>();
    for (const kind of kinds) {
      const card = recapFailureCard(kind, { retryAfterSeconds: 12, requestId: 'abc-123' });
      assert.deepEqual(schemaErrors(card), [], kind);
      assert.deepEqual(libraryErrors(card), [], kind);
      titles.add(JSON.stringify(card.body[0]));
    }
    assert.equal(titles.size, kinds.length, 'one distinct title per kind');
    assert.match(JSON.stringify(recapFailureCard('throttled', { retryAfterSeconds: 12 })), /for 12 seconds/);
    assert.doesNotMatch(JSON.stringify(recapFailureCard('unavailable', { requestId: '[x](https://evil.example)' })), /evil/, 'a request id that is not an id is not shown');
  });
});

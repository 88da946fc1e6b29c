/**
 * Questions about files: Teams file attachments downloaded and passed to Q as `attachments`,
 * Q's limits checked first (naming the file and the reason), Q's `failedAttachments` shown per
 * file, follow-ups about uploaded files, uploads turned off, and files in channels.
 */
import assert from 'node:assert/strict';
import { cardOf, cardTexts, suiteStack } from '../helpers/stack';
import { ADA, message, mention, THREAD } from '../helpers/teamsActivities';

describe('questions about files', () => {
  const POLICY = 'Remote work policy\n\nEmployees may work remotely up to three days a week after their manager approves a schedule in Workday.';
  const stack = suiteStack([ADA], { freshConversationFor: ADA });

  const chats = () => stack.q.state.calls.filter((call) => call.operation === 'ChatSync').map((call) => call.body as Record<string, any>);

  async function send(text: string, attachments: Array<Record<string, unknown>>, index = 0): Promise<Record<string, any>> {
    const activity = { ...message(stack.serviceUrl, ADA, text), attachments };
    assert.equal((await stack.post(activity)).status, 200);
    return cardOf(await stack.connector.waitFor('reply', () => stack.connector.messages()[index]));
  }

  it('sends a file with the question, and follow-ups can refer to it', async () => {
    const card = await send('What does this say about remote work?', [stack.connector.file('remote-work.txt', Buffer.from(POLICY))]);
    assert.match(cardTexts(card).join(' '), /three days a week/);
    assert.match(cardTexts(card).join(' '), /1\. remote-work\.txt/);
    const [first] = chats();
    assert.equal(first?.attachments?.length, 1);
    assert.equal(first?.attachments[0].name, 'remote-work.txt');
    assert.equal(Buffer.from(first?.attachments[0].data, 'base64').toString('utf8'), POLICY, 'the file content, base64 on the wire');

    const followUp = await send('Who approves the schedule in the file?', [], 1);
    assert.match(cardTexts(followUp).join(' '), /manager approves a schedule in Workday/);
    assert.equal(chats()[1]?.attachments, undefined, 'not uploaded twice');
  });

  it('a file alone gets summarised', async () => {
    await send('', [stack.connector.file('notes.md', Buffer.from('# Offsite\n\nThe offsite is on 12 March in Lisbon.'))]);
    assert.equal(chats()[0]?.userMessage, 'Summarize the attached file.');
  });

  const refusals: Array<[string, () => Array<Record<string, unknown>>, RegExp]> = [
    ['more than 5 files', () => Array.from({ length: 6 }, (_, index) => stack.connector.file(`part-${index}.txt`, Buffer.from('x'))), /part-5\.txt: Amazon Q Business takes at most 5 files per message/],
    ['a file over 10 MB', () => [stack.connector.file('huge.csv', Buffer.alloc(11 * 1024 * 1024, 65))], /huge\.csv: larger than 10 MB/],
    ['an unsupported type', () => [stack.connector.file('setup.exe', Buffer.from('MZ'))], /setup\.exe: this file type is not supported/],
  ];
  for (const [label, files, reason] of refusals) {
    it(`refuses ${label} before calling Q, naming the file and why`, async () => {
      const card = await send('Please read these', files());
      assert.match(cardTexts(card).join('\n'), reason);
      assert.match(cardTexts(card).join(' '), /Nothing was sent/);
      assert.equal(chats().length, 0);
    });
  }

  it("shows Q's failed attachments per file on the answer card", async () => {
    const card = await send('Summarize these files', [stack.connector.file('agenda.txt', Buffer.from('Agenda: budget review.')), stack.connector.file('corrupt-scan.pdf', Buffer.from('%PDF-1.7'))]);
    const texts = cardTexts(card).join('\n');
    assert.match(texts, /Some files could not be used/);
    assert.match(texts, /• \*\*corrupt-scan\.pdf\*\*: The file could not be read\./);
    assert.match(texts, /Agenda: budget review/);
  });

  it('downloads only from Teams file storage: any other link is named and never opened', async () => {
    const elsewhere = { ...stack.connector.file('notes.txt', Buffer.from('notes')), content: { downloadUrl: 'http://169.254.169.254/latest/meta-data/notes.txt' } };
    const card = await send('What is in this file?', [elsewhere]);
    assert.match(cardTexts(card).join(' '), /notes\.txt: the download link does not point at Teams’ file storage|notes\.txt: the download link does not point at Teams' file storage/);
    assert.equal(chats().length, 0);
  });

  it('follows download redirects only while they stay on Teams file storage', async () => {
    const kept = stack.connector.file('kept.txt', Buffer.from('Kept content.'));
    await send('What does this say?', [stack.connector.redirectingFile('onward.txt', String((kept.content as { downloadUrl: string }).downloadUrl))]);
    assert.equal(Buffer.from(chats()[0]?.attachments[0].data, 'base64').toString('utf8'), 'Kept content.');
    const card = await send('And this?', [stack.connector.redirectingFile('away.txt', 'http://169.254.169.254/latest/meta-data/')], 1);
    assert.match(cardTexts(card).join(' '), /away\.txt: Teams did not let me download it/);
    assert.equal(chats().length, 1, 'nothing more sent to Q');
  });

  it('says plainly when the Q application has file uploads turned off', async () => {
    stack.q.state.addFault({ operation: 'ChatSync', error: 'ValidationException', message: 'File upload is disabled for this application.', count: 1 });
    const card = await send('What is in this file?', [stack.connector.file('memo.txt', Buffer.from('memo'))]);
    assert.match(cardTexts(card).join(' '), /Files are turned off[\s\S]*turned off file uploads/);
  });

  it('in channels, says that files without a download link must be shared in 1:1', async () => {
    const activity = { ...mention(stack.serviceUrl, ADA, 'What does this say?', `${THREAD}-files`), attachments: [{ contentType: 'reference', name: 'Budget.xlsx', contentUrl: 'https://contoso.sharepoint.com/Budget.xlsx' }] };
    await stack.post(activity);
    const card = cardOf(await stack.connector.waitFor('notice', () => stack.connector.messages(`${THREAD}-files`)[0]));
    assert.match(cardTexts(card).join(' '), /can’t open files shared here \(Budget\.xlsx\)[\s\S]*1:1 chat/);
    assert.equal(chats().length, 0);
  });
});

/**
 * `npm run doctor` and the knowledge scopes file (KNOWLEDGE_SCOPES_FILE): the file's shape and ids,
 * and the attributes and data sources its filters name against what the Q application has
 * (ListIndices, GetIndex, ListDataSources on the local services' admin stand-in). Reads only.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { doctorSuite, runDoctor, writesAmong } from '../helpers/doctorRun';

const GOOD = resolve(__dirname, '../../../test/fixtures/knowledge-scopes.json');

describe('npm run doctor: knowledge scopes', function () {
  this.timeout(60_000);
  const suite = doctorSuite();

  const scopesFile = (name: string, content: unknown): string => {
    const path = join(suite.folder, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('passes a file whose filters use attributes and data sources the application has, reading only', async () => {
    const run = await runDoctor(suite.services, suite.folder, { env: { KNOWLEDGE_SCOPES_FILE: GOOD } });
    assert.match(run.stdout, /✔ Knowledge scopes file: 2 scopes: HR and finance policies \(everyone may see\), IT knowledge base/);
    assert.match(run.stdout, /✔ Knowledge scopes filter on attributes Q has: every filter uses attributes Q has; data sources: hr-finance-sharepoint, it-wiki/);
    assert.ok(suite.services.admin.served.some((call) => /qbusiness GET \/applications\/[^/]+\/indices\/idx-local-documents\/datasources$/.test(call)), 'ListDataSources was read');
    const writes = writesAmong(suite.services.admin.served);
    assert.deepEqual(writes, [], 'only reads reach the suite.services');
  });

  it('names attributes no index declares and data sources the application does not have', async () => {
    const file = scopesFile('unknown.json', {
      scopes: [
        { name: 'Finance', attributeFilter: { andAllFilters: [{ equalsTo: { name: '_data_source_id', value: { stringValue: 'finance-s3' } } }, { equalsTo: { name: 'department', value: { stringValue: 'finance' } } }] }, channels: ['19:finance@thread.tacv2'] },
      ],
    });
    const run = await runDoctor(suite.services, suite.folder, { env: { KNOWLEDGE_SCOPES_FILE: file } });
    assert.notEqual(run.code, 0);
    const line = run.failures.find((candidate) => candidate.startsWith('✘ Knowledge scopes filter on attributes Q has'));
    assert.match(line ?? '', /"Finance" filters on "department", which no index of the application declares; "Finance" names data source "finance-s3", which the application does not have/);
    assert.match(line ?? '', /Fix: .*aws qbusiness list-data-sources --application-id 2a9e7c1d-/);
  });

  it('names the entry and field of a malformed file, and skips the attribute check', async () => {
    const file = scopesFile('bad.json', { scopes: [{ name: 'HR', attributeFilter: { equalsTo: { name: '_category' } }, teams: ['19:t@thread.tacv2'] }, { name: 'HR2', attributeFilter: { equalsTo: { name: '_category', value: { stringValue: 'hr' } } }, teams: ['19:t@thread.tacv2'] }] });
    const run = await runDoctor(suite.services, suite.folder, { env: { KNOWLEDGE_SCOPES_FILE: file } });
    assert.notEqual(run.code, 0);
    const line = run.failures.find((candidate) => candidate.startsWith('✘ Knowledge scopes file'));
    assert.match(line ?? '', /scopes\[0\] \("HR"\) field "attributeFilter\.equalsTo\.value": must be an object/);
    assert.match(line ?? '', /scopes\[1\] \("HR2"\) field "teams": "19:t@thread\.tacv2" is already listed by scopes\[0\] \("HR"\)/);
    assert.match(run.stdout, /— Knowledge scopes filter on attributes Q has: the scopes file has problems/);
    const unreadable = await runDoctor(suite.services, suite.folder, { env: { KNOWLEDGE_SCOPES_FILE: scopesFile('broken.json', '{') } });
    assert.match(unreadable.failures.join('\n'), /✘ Knowledge scopes file: \S+broken\.json could not be read as JSON/);
  });

  it('adds no line when no scopes file is set', async () => {
    const run = await runDoctor(suite.services, suite.folder);
    assert.doesNotMatch(run.stdout, /Knowledge scopes/);
  });
});

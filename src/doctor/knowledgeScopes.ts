/**
 * Check group: the knowledge scopes file (KNOWLEDGE_SCOPES_FILE) — its shape and ids (the bot's
 * own parser, so the doctor and start-up agree), and that every attribute a filter compares is one
 * Q's documents can have: Q's reserved attributes, or one the application's indices declare
 * (GetIndex `documentAttributeConfigurations`), and every `_data_source_id` a data source of theirs
 * (ListIndices, ListDataSources). Read-only calls only.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { GetIndexCommand, ListDataSourcesCommand, ListIndicesCommand } from '@aws-sdk/client-qbusiness';
import { attributeNames, parseKnowledgeScopes, type AttributeFilter, type KnowledgeScope } from '../domain/knowledgeScopes';
import { accessFix, AwsReadFailure, awsRead } from './awsAccess';
import { envFileName, type DoctorContext } from './context';
import { failed, ok, skipped, type CheckLine } from './report';

const FILE = 'q.knowledge-scopes.file';
const FILE_TITLE = 'Knowledge scopes file';
const ATTRIBUTES = 'q.knowledge-scopes.attributes';
const ATTRIBUTES_TITLE = 'Knowledge scopes filter on attributes Q has';

/** Q Business's reserved document attributes (every data source can fill them). */
const RESERVED = ['_authors', '_category', '_created_at', '_data_source_id', '_document_title', '_excerpt_page_number', '_file_type', '_language_code', '_last_updated_at', '_source_uri', '_version', '_view_count'];

export async function checkKnowledgeScopes(ctx: DoctorContext): Promise<CheckLine[]> {
  const file = ctx.config.knowledgeScopesFile;
  // No file: every space searches everything the asker may see, which needs no check.
  if (!file) return [];
  const path = isAbsolute(file) ? file : resolve(ctx.projectRoot, file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return [failed(FILE, FILE_TITLE, `${path} could not be read as JSON: ${(error as Error).message}`, `fix the file, or unset KNOWLEDGE_SCOPES_FILE in ${envFileName(ctx)}; the bot will not start with it as it is.`), skipped(ATTRIBUTES, ATTRIBUTES_TITLE, 'no usable scopes file')];
  }
  const { scopes, problems } = parseKnowledgeScopes(json);
  if (problems.length > 0) {
    return [failed(FILE, FILE_TITLE, `${path}: ${problems.join('; ')}.`, 'correct each entry and field named; the bot refuses to start with this file.'), skipped(ATTRIBUTES, ATTRIBUTES_TITLE, 'the scopes file has problems')];
  }
  const lines = [ok(FILE, FILE_TITLE, `${scopes.length} scope${scopes.length === 1 ? '' : 's'}: ${scopes.map((scope) => `${scope.name}${scope.everyoneMaySee ? ' (everyone may see)' : ''}`).join(', ')}`)];
  if (ctx.findings.qUnavailable) return [...lines, skipped(ATTRIBUTES, ATTRIBUTES_TITLE, ctx.findings.qUnavailable)];
  if (!ctx.config.qApplicationId) return [...lines, skipped(ATTRIBUTES, ATTRIBUTES_TITLE, 'no Q application to read')];
  try {
    return [...lines, await checkAttributes(ctx, ctx.config.qApplicationId, scopes)];
  } catch (error) {
    if (!(error instanceof AwsReadFailure)) throw error;
    return [...lines, failed(ATTRIBUTES, ATTRIBUTES_TITLE, error.message, accessFix(error, ctx.q, 'qbusiness:ListIndices, qbusiness:GetIndex, qbusiness:ListDataSources'))];
  }
}

async function checkAttributes(ctx: DoctorContext, applicationId: string, scopes: KnowledgeScope[]): Promise<CheckLine> {
  const { q } = ctx;
  const known = new Set(RESERVED);
  const dataSources = new Set<string>();
  const indices = await awsRead(q, `list the indices of ${applicationId}`, 'qbusiness:ListIndices', () => q.qbusiness.send(new ListIndicesCommand({ applicationId })));
  for (const index of indices.indices ?? []) {
    const indexId = index.indexId as string;
    const details = await awsRead(q, `read index ${indexId}`, 'qbusiness:GetIndex', () => q.qbusiness.send(new GetIndexCommand({ applicationId, indexId })));
    for (const attribute of details.documentAttributeConfigurations ?? []) if (attribute.name) known.add(attribute.name);
    const sources = await awsRead(q, `list the data sources of index ${indexId}`, 'qbusiness:ListDataSources', () => q.qbusiness.send(new ListDataSourcesCommand({ applicationId, indexId })));
    for (const source of sources.dataSources ?? []) if (source.dataSourceId) dataSources.add(source.dataSourceId);
  }
  const problems: string[] = [];
  for (const scope of scopes) {
    const unknown = attributeNames(scope.attributeFilter).filter((name) => !known.has(name));
    if (unknown.length > 0) problems.push(`"${scope.name}" filters on ${unknown.map((name) => `"${name}"`).join(', ')}, which no index of the application declares`);
    const missing = dataSourceIds(scope.attributeFilter).filter((id) => !dataSources.has(id));
    if (missing.length > 0) problems.push(`"${scope.name}" names data source ${missing.map((id) => `"${id}"`).join(', ')}, which the application does not have`);
  }
  if (problems.length > 0) {
    return failed(ATTRIBUTES, ATTRIBUTES_TITLE, `${problems.join('; ')}: such a filter matches no document, so questions there get no answer.`, `use an attribute the index declares (console: Amazon Q Business → the application → Data sources / Document enrichment → Metadata fields) or a data source id from aws qbusiness list-data-sources --application-id ${applicationId} --index-id <index>.`);
  }
  return ok(ATTRIBUTES, ATTRIBUTES_TITLE, `every filter uses attributes Q has; data sources: ${[...dataSources].sort().join(', ') || 'none'}`);
}

/** The `_data_source_id` values a filter compares against. */
function dataSourceIds(filter: AttributeFilter): string[] {
  const ids: string[] = [];
  const walk = (node: AttributeFilter): void => {
    node.andAllFilters?.forEach(walk);
    node.orAllFilters?.forEach(walk);
    if (node.notFilter) walk(node.notFilter);
    for (const comparison of [node.equalsTo, node.containsAll, node.containsAny]) {
      if (comparison?.name !== '_data_source_id') continue;
      if (comparison.value.stringValue) ids.push(comparison.value.stringValue);
      ids.push(...(comparison.value.stringListValue ?? []));
    }
  };
  walk(filter);
  return [...new Set(ids)];
}

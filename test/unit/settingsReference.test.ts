/**
 * Settings by feature (issue 29): every reader of settings (the bot, `npm run doctor`, the two
 * deploy scripts) reads through the one reader, only names declared beside it; the settings
 * reference in docs/operating.md is generated from those declarations and checked here, so a
 * setting cannot be added, dropped or renamed in one place only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSettings } from '../../deploy/aws/settings';
import { settingsFrom } from '../../deploy/entra/federatedCredential';
import { loadConfig } from '../../src/config';
import { loadDoctorConfig } from '../../src/doctor/settings';
import { defineSettings } from '../../src/settings/definition';
import { settingsReader } from '../../src/settings/reader';
import { renderSection, sectionProblems, SECTIONS, updateReference, type ReferenceSection } from '../../tools/settingsReference';

const ROOT = resolve(__dirname, '../../..');

/** Every variable name `run` looks up in the environment it is given, over several environments. */
function namesLookedUp(run: (env: Record<string, string | undefined>) => unknown, environments: Array<Record<string, string>>): Set<string> {
  const names = new Set<string>();
  for (const values of environments) {
    const env = new Proxy(values, {
      get(target, key) {
        if (typeof key === 'string') names.add(key);
        return target[key as string];
      },
    });
    try {
      run(env);
    } catch {
      // A refused environment still shows what was read.
    }
  }
  return names;
}

function declaredBy(id: string): Set<string> {
  const section = SECTIONS.find((candidate) => candidate.id === id) as ReferenceSection;
  return new Set(section.definitions.flatMap((definition) => definition.names));
}
function borrowedBy(id: string): Set<string> {
  return new Set(SECTIONS.find((candidate) => candidate.id === id)?.borrows ?? []);
}

const GUID_A = 'b0b0b0b0-0000-4000-8000-000000000001';
const GUID_B = '5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e';
const BASE = { AMAZON_Q_APP_ID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', AMAZON_Q_REGION: 'us-east-1' };
const SSO = { AAD_APP_CLIENT_ID: GUID_B, AAD_APP_TENANT_ID: GUID_B, IDC_APPLICATION_ARN: 'arn:aws:sso::111122223333:application/ssoins-1/apl-1', Q_USER_ROLE_ARN: 'arn:aws:iam::111122223333:role/U' };
/** An App Service deployment and a local run: between them every branch that reads a setting. */
const BOT_ENVIRONMENTS = [
  {
    ...BASE,
    ...SSO,
    BOT_ID: GUID_A,
    BOT_TYPE: 'UserAssignedMsi',
    BOT_TENANT_ID: GUID_B,
    TOKEN_STORE_KEY_VAULT_KEY_URL: 'https://v.vault.azure.net/keys/token-store',
    BOT_AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/B',
    BOT_STATE_BLOB_URL: 'https://a.blob.core.windows.net/c',
    APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=k',
    OTEL_TRACES_SAMPLER: 'microsoft.rate_limited',
    WEBSITE_INSTANCE_ID: 'i1',
  },
  { ...BASE, ...SSO, TOKEN_STORE_KEY: Buffer.alloc(32).toString('base64'), DEV_LOCAL_SIGN_IN: 'true', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', BOT_STATE_BLOB_CONTAINER: 'bot-state', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', KNOWLEDGE_SCOPES_FILE: '/nonexistent.json', EXPERTS_CHANNEL: 'x' },
];

describe('settings by feature, and the settings reference generated from them', () => {
  it('the reference in docs/operating.md is exactly what `npm run docs:settings` writes (the command itself, in --check mode)', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'lib/tools/settingsReference.js'), '--check'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /matches the settings definitions/);
    const guide = readFileSync(join(ROOT, 'docs/operating.md'), 'utf8');
    for (const name of ['AMAZON_Q_APP_ID', 'MEETING_RECAPS', 'RUNTIME_AMAZON_Q_APP_ID', 'TEAMSFX_ENV', 'GRAPH_ADMIN_URL']) assert.match(guide, new RegExp(`^\\| \`${name}\``, 'm'), name);
  });

  it('a table edited by hand, or a block whose markers are gone, is found out', () => {
    const section: ReferenceSection = { id: 'planted', definitions: defineSettings([{ names: ['ONE'], required: 'no', meaning: 'the first' }]) };
    const current = `# Guide\n\n<!-- settings:planted -->\n${renderSection(section)}\n<!-- /settings:planted -->\n\nAfter.\n`;
    assert.equal(updateReference(current, [section]), current);
    const edited = current.replace('the first', 'the first, edited by hand');
    assert.notEqual(updateReference(edited, [section]), edited);
    assert.equal(updateReference(edited, [section]), current, 'regenerating restores the definitions\' text');
    assert.throws(() => updateReference('# Guide without markers\n', [section]), /no "<!-- settings:planted -->" … "<!-- \/settings:planted -->" block/);
  });

  it('renders one row per definition, escapes a pipe in a cell, and lists borrowed names before the table', () => {
    const rendered = renderSection({ id: 'x', definitions: defineSettings([{ names: ['A', 'B'], required: 'no (`1`)', meaning: 'a | b' }]), borrows: ['C'] });
    assert.equal(rendered, 'Also reads `C` (described above).\n\n| variable | required | meaning |\n|---|---|---|\n| `A`, `B` | no (`1`) | a \\| b |');
  });

  it('declares each name once, and borrows only names an earlier section declares', () => {
    assert.deepEqual(sectionProblems(SECTIONS), []);
    const planted: ReferenceSection[] = [
      { id: 'first', definitions: defineSettings([{ names: ['A'], required: 'no', meaning: 'a' }]) },
      { id: 'second', definitions: defineSettings([{ names: ['A'], required: 'no', meaning: 'again' }]), borrows: ['NOWHERE'] },
    ];
    assert.deepEqual(sectionProblems(planted), ['second borrows NOWHERE, which no earlier section declares', 'A is declared by both first and second']);
  });

  it('a reader reads only declared and borrowed names, treats blank as unset, and reports malformed values in one shape', () => {
    const problems: string[] = [];
    const env: Record<string, string> = { ONE: '  7 ', TWO: '   ', THREE: 'sometimes', UNDECLARED: 'x' };
    const read = settingsReader((name) => env[name], defineSettings([{ names: ['ONE', 'TWO', 'THREE'], required: 'no', meaning: '' }]), problems, ['BORROWED']);
    assert.equal(read.text('ONE'), '7');
    assert.equal(read.text('TWO'), undefined);
    assert.equal(read.text('BORROWED'), undefined);
    assert.equal(read.integer('ONE', { fallback: 1, min: 1, max: 5, expected: 'a number from 1 to 5' }), 7);
    assert.equal(read.onOff('THREE', true), true);
    assert.deepEqual(problems, ['ONE must be a number from 1 to 5, got "7".', 'THREE must be "on" or "off", got "sometimes".']);
    // @ts-expect-error: the type refuses a name the feature did not declare; so does the reader at run time.
    assert.throws(() => read.text('UNDECLARED'), /UNDECLARED is read but not declared/);
  });

  it('every name each reader declares is read, and nothing else is looked up in the environment', () => {
    const readers: Array<[string, (env: Record<string, string | undefined>) => unknown, Array<Record<string, string>>]> = [
      ['bot', (env) => loadConfig(env), BOT_ENVIRONMENTS],
      ['doctor', (env) => loadDoctorConfig({}, env), [{}]],
      ['aws-setup', (env) => parseSettings(['--target', 'azure'], env, '/project'), [{ ...BASE, ...SSO }]],
      ['federated-credential', (env) => settingsFrom(env), [{ AAD_APP_CLIENT_ID: GUID_B, BOT_TENANT_ID: GUID_B, BOT_MANAGED_IDENTITY_PRINCIPAL_ID: GUID_A }]],
    ];
    for (const [id, run, environments] of readers) {
      const looked = namesLookedUp(run, environments);
      const declared = declaredBy(id);
      const allowed = new Set([...declared, ...borrowedBy(id)]);
      assert.deepEqual([...declared].filter((name) => !looked.has(name)).sort(), [], `${id}: declared (and in the reference) but never read`);
      assert.deepEqual([...looked].filter((name) => !allowed.has(name)).sort(), [], `${id}: looked up without being declared`);
    }
  });

  it('only src/config.ts reads process.env in src/ (every other module gets a reader)', () => {
    const tsFilesUnder = (folder: string): string[] =>
      readdirSync(join(ROOT, folder)).flatMap((name) => {
        const path = `${folder}/${name}`;
        return statSync(join(ROOT, path)).isDirectory() ? tsFilesUnder(path) : path.endsWith('.ts') ? [path] : [];
      });
    const others = tsFilesUnder('src').filter((file) => file !== 'src/config.ts' && /\bprocess\.env\b/.test(readFileSync(join(ROOT, file), 'utf8')));
    assert.deepEqual(others, []);
  });
});

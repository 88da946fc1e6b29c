/**
 * infra/ through Microsoft's Bicep compiler (NuGet's Azure.Bicep.CommandLine.linux-x64, see
 * scripts/fetch-bicep.sh): every template the toolkit deploys builds and lints with no error and
 * no warning (a suppressed rule carries its reason), and the compiled ARM JSON is checked without
 * Azure: the web app gets every setting the bot needs in production (loadConfig decides), the
 * parameter files match the parameters, the outputs the lifecycle reads exist and hold no secret,
 * role assignment names are deterministic and can be left to an administrator, log alerts can be
 * created before any data exists, and a soft-deleted Key Vault can be recovered.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { BOT_SETTINGS } from '../../src/config';
import { allResources, bicepCli, build, lint, type ArmTemplate, type BicepDiagnostic } from '../helpers/bicepCli';
import { evaluate, moduleScope, resourcesOf, RuntimeValue, scopeOf, type ArmScope } from '../helpers/armExpressions';
import { only, parseBicep } from '../helpers/bicep';

const ROOT = resolve(__dirname, '../../..');
const YML_FILES = ['teamsapp.yml', 'teamsapp.local.yml', 'teamsapp.testtool.yml'];

interface ArmDeployStep {
  uses: string;
  with: { templates?: Array<{ path: string; parameters: string }>; bicepCliVersion?: string };
  writeToEnvironmentFile?: Record<string, string>;
}

function lifecycle(file: string): Record<string, ArmDeployStep[]> {
  const document = parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(['provision', 'deploy', 'publish'].map((stage) => [stage, (document[stage] ?? []) as ArmDeployStep[]]));
}

/** Every template an arm/deploy step of any lifecycle file deploys, with its parameter file. */
function deployedTemplates(): Array<{ template: string; parameters: string; stage: string }> {
  return YML_FILES.flatMap((file) =>
    Object.entries(lifecycle(file)).flatMap(([stage, steps]) =>
      steps.filter((step) => step.uses === 'arm/deploy').flatMap((step) => (step.with.templates ?? []).map((entry) => ({ template: join(ROOT, entry.path), parameters: join(ROOT, entry.parameters), stage }))),
    ),
  );
}

/** The templates and every module they use, transitively. */
function withModules(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const module of only(parseBicep(file), 'module')) visit(resolve(dirname(file), module.type));
  };
  entries.forEach(visit);
  return [...seen];
}

function bicepFilesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? bicepFilesUnder(join(folder, entry.name)) : entry.name.endsWith('.bicep') ? [join(folder, entry.name)] : []));
}

function envFile(name: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(join(ROOT, 'env', name), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => Boolean(match))
      .map((match) => [match[1] as string, match[2] as string]),
  );
}

/** Names listed under a `# Written by …` heading of env/.env.dev, up to the next blank line. */
function envSection(heading: RegExp): string[] {
  const lines = readFileSync(join(ROOT, 'env/.env.dev'), 'utf8').split('\n');
  const start = lines.findIndex((line) => heading.test(line));
  assert.ok(start >= 0, `env/.env.dev has a section ${heading}`);
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim()) break;
    const match = /^([A-Z0-9_]+)=/.exec(line);
    if (match) names.push(match[1] as string);
  }
  return names;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g)].map((match) => match[1] as string);

/** Values a provisioned dev environment has: env/.env.dev's committed ones, then what provision writes. */
const SAMPLE_ENV: Record<string, string> = {
  ...envFile('.env.dev'),
  AZURE_SUBSCRIPTION_ID: '00000000-1111-4222-8333-444444444444',
  AZURE_RESOURCE_GROUP_NAME: 'rg-qbot-dev',
  RESOURCE_SUFFIX: 'dev1',
  BOT_ID: '5a5a5a5a-6b6b-4c7c-8d8d-9e9e9e9e9e9e',
  BOT_TENANT_ID: '7c7c7c7c-8d8d-4e9e-8f0f-1a1a1a1a1a1a',
  BOT_DOMAIN: 'qbotdev1.azurewebsites.net',
  BOT_STORAGE_ACCOUNT_NAME: 'qstabcdefghijklm',
  AAD_APP_CLIENT_ID: '1b1b1b1b-2c2c-4d3d-8e4e-5f5f5f5f5f5f',
  AAD_APP_TENANT_ID: '2c2c2c2c-3d3d-4e4e-8f5f-6a6a6a6a6a6a',
  RUNTIME_AMAZON_Q_APP_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  RUNTIME_AMAZON_Q_REGION: 'us-east-1',
  RUNTIME_AWS_IDC_REGION: 'us-east-1',
  RUNTIME_IDC_APPLICATION_ARN: 'arn:aws:sso::111122223333:application/ssoins-1234567890abcdef/apl-0123456789abcdef',
  RUNTIME_Q_USER_ROLE_ARN: 'arn:aws:iam::444455556666:role/AmazonQBusinessTeamsUser-dev',
  RUNTIME_SSO_RESOURCE_URI: 'api://botid-5a5a5a5a-6b6b-4c7c-8d8d-9e9e9e9e9e9e',
  BOT_AWS_ROLE_ARN: 'arn:aws:iam::444455556666:role/AmazonQBusinessTeamsBot-dev',
};

/** A parameter file as the toolkit hands it to ARM: placeholders filled from the environment. */
function parameterValues(file: string, env: Record<string, string>): Record<string, unknown> {
  const text = readFileSync(file, 'utf8').replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_match, name: string) => env[name] ?? `<unresolved ${name}>`);
  const parameters = (JSON.parse(text) as { parameters: Record<string, { value: unknown }> }).parameters;
  return Object.fromEntries(Object.entries(parameters).map(([name, { value }]) => [name, value]));
}

/** App settings a template writes: the `appSettings` object each appSettings.bicep module gets, evaluated. */
function appSettingsWritten(scope: ArmScope): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const deployment of resourcesOf(scope.template).filter((resource) => resource.type === 'Microsoft.Resources/deployments')) {
    const inner = (deployment.properties as { template: ArmTemplate }).template;
    if (!resourcesOf(inner).some((resource) => resource.type === 'Microsoft.Web/sites/config')) continue;
    Object.assign(settings, moduleScope(scope, deployment.name).parameters.appSettings);
  }
  return settings;
}

/** What App Service resolves at run time: resource properties only Azure knows (a stand-in for each). */
function resolvedByAzure(name: string, value: unknown): string {
  const text = String(value);
  // No secret is referenced any more: the token-store key is a Key Vault key the bot uses through the API.
  assert.doesNotMatch(text, /^@Microsoft\.KeyVault\(/, `${name} is a Key Vault secret reference`);
  if (value instanceof RuntimeValue || text.includes('<runtime ')) {
    if (name === 'TOKEN_STORE_KEY_VAULT_KEY_URL') return 'https://qkvsample.vault.azure.net/keys/token-store';
    if (/ConnectionString/.test(text)) return 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
    throw new Error(`${name} = ${text}: a value only Azure knows, with no stand-in here`);
  }
  return text;
}

describe('infra/ with Microsoft\'s Bicep compiler', function () {
  this.timeout(300_000);
  let cli: { path: string; version: string };
  const compiled = new Map<string, ArmTemplate>();
  const report: string[] = [];

  before(function () {
    const found = bicepCli();
    if ('missing' in found) {
      if (process.env.REQUIRE_BICEP === '1') throw new Error(`REQUIRE_BICEP=1 but ${found.missing}`);
      console.log(`      skipped: ${found.missing}`);
      this.skip();
    }
    cli = found;
  });

  after(() => {
    if (report.length > 0) console.log(`\n      ${cli.version}\n${report.map((line) => `      ${line}`).join('\n')}\n`);
  });

  it('the lifecycle files deploy azure.bicep (provision) and botSettings.bicep (deploy), and every .bicep in infra/ is one of them or their modules', () => {
    const entries = deployedTemplates();
    assert.deepEqual([...new Set(entries.map((entry) => `${entry.stage}:${relative(ROOT, entry.template)}`))].sort(), ['deploy:infra/botSettings.bicep', 'provision:infra/azure.bicep']);
    assert.deepEqual(withModules(entries.map((entry) => entry.template)).sort(), bicepFilesUnder(join(ROOT, 'infra')).sort(), 'no template is left out of the build and lint');
  });

  it('`bicep build`: every template compiles with 0 errors and 0 warnings', () => {
    const result = build(cli, ROOT, 'infra/**/*.bicep');
    const files = withModules(deployedTemplates().map((entry) => entry.template)).map((file) => relative(ROOT, file));
    for (const file of files) {
      const own = result.diagnostics.filter((diagnostic) => diagnostic.file === file);
      report.push(`bicep build ${file}: ${count(own, 'Error')} errors, ${count(own, 'Warning')} warnings${own.length ? `\n${indent(own.map(format).join('\n'))}` : ''}`);
    }
    for (const [file, compiledTemplate] of result.templates) compiled.set(file, compiledTemplate);
    assert.deepEqual([...result.templates.keys()].sort(), [...files].sort(), `every template compiled:\n${result.output}`);
    assert.deepEqual(result.diagnostics, []);
  });

  it('`bicep lint`: every template and module, 0 errors and 0 warnings; each suppressed rule says why', () => {
    const result = lint(cli, ROOT, 'infra/**/*.bicep');
    const files = withModules(deployedTemplates().map((entry) => entry.template));
    for (const file of files.map((path) => relative(ROOT, path))) {
      const own = result.diagnostics.filter((diagnostic) => diagnostic.file === file);
      report.push(`bicep lint ${file}: ${count(own, 'Error')} errors, ${count(own, 'Warning')} warnings${own.length ? `\n${indent(own.map(format).join('\n'))}` : ''}`);
    }
    for (const file of files) {
      for (const line of readFileSync(file, 'utf8').split('\n').filter((text) => /#disable-(next-line|diagnostics)/.test(text))) {
        assert.match(line, /#disable-\S+ [\w-]+(\s+[\w-]+)* \/\/ \S.{10,}/, `${relative(ROOT, file)}: a suppression without its reason: ${line.trim()}`);
      }
    }
    assert.deepEqual(result.diagnostics.filter((diagnostic) => diagnostic.level !== 'Info'), [], result.output);
  });

  describe('the compiled ARM templates', () => {
    const template = (name: string): ArmTemplate => {
      const found = compiled.get(`infra/${name}.bicep`);
      if (!found) throw new Error(`infra/${name}.bicep did not compile (see the build test)`);
      return found;
    };
    const provisionScope = (overrides: Record<string, unknown> = {}): ArmScope =>
      scopeOf(template('azure'), { ...parameterValues(join(ROOT, 'infra/azure.parameters.json'), SAMPLE_ENV), ...overrides });
    const deployScope = (): ArmScope => scopeOf(template('botSettings'), parameterValues(join(ROOT, 'infra/botSettings.parameters.json'), SAMPLE_ENV));

    it('the web app gets every setting the bot needs in production: loadConfig accepts them and turns on every production feature', async () => {
      const { loadConfig } = await import('../../src/config');
      // Provision first, then deploy merges over it (both keep what the site has: appSettings.bicep).
      const written = { ...appSettingsWritten(provisionScope()), ...appSettingsWritten(deployScope()) };
      const environment = Object.fromEntries(Object.entries(written).map(([name, value]) => [name, resolvedByAzure(name, value)]));
      const config = loadConfig(environment);
      assert.equal(config.bot?.appType, 'UserAssignedMSI', 'the bot authenticates as its managed identity');
      assert.equal(config.bot?.tenantId, SAMPLE_ENV.BOT_TENANT_ID);
      assert.deepEqual(config.botAwsWebIdentity, { roleArn: SAMPLE_ENV.BOT_AWS_ROLE_ARN, audience: 'api://AzureADTokenExchange', managedIdentityClientId: SAMPLE_ENV.BOT_ID });
      assert.equal(config.state.kind, 'blobManagedIdentity');
      assert.equal((config.state as { containerUrl: string }).containerUrl, `https://${SAMPLE_ENV.BOT_STORAGE_ACCOUNT_NAME}.blob.core.windows.net/bot-state`);
      assert.ok(config.sso && !config.sso.devLocalSignIn, 'per-person sign-in, not the development one');
      assert.equal(config.sso.tenantId, SAMPLE_ENV.AAD_APP_TENANT_ID);
      assert.equal(config.sso.authorityHost, 'https://login.microsoftonline.com');
      assert.equal(config.sso.tokenStoreKey.length, 0, 'no key in a setting');
      assert.equal(config.sso.tokenStoreKeyVaultKeyUrl, 'https://qkvsample.vault.azure.net/keys/token-store', 'the Key Vault key that wraps the data key');
      assert.equal(config.sso.tokenStoreKeyVaultClientId, SAMPLE_ENV.BOT_ID, 'unwrapped as the managed identity');
      assert.deepEqual(config.sso.tokenStorePreviousKeys, []);
      assert.ok(config.telemetry?.azureMonitorConnectionString, 'telemetry goes to Application Insights');
      assert.equal(config.sso.botEndpoint, `https://${SAMPLE_ENV.BOT_DOMAIN}`);
    });

    it('every setting the templates write is one the bot declares (BOT_SETTINGS) or App Service reads: no misspelt name', () => {
      const declared = new Set<string>(BOT_SETTINGS.flatMap((definition) => definition.names));
      const written = Object.keys({ ...appSettingsWritten(provisionScope()), ...appSettingsWritten(deployScope()) });
      const unread = written.filter((name) => !declared.has(name) && !/^(SCM_|WEBSITE_)/.test(name));
      assert.deepEqual(unread, []);
    });

    it('the parameter files give every required parameter, nothing undeclared, and only allowed values', () => {
      for (const [name, file] of [['azure', 'infra/azure.parameters.json'], ['botSettings', 'infra/botSettings.parameters.json']] as const) {
        const declared = template(name).parameters;
        const given = parameterValues(join(ROOT, file), SAMPLE_ENV);
        for (const parameter of Object.keys(given)) assert.ok(parameter in declared, `${file}: ${parameter} is not a parameter of ${name}.bicep`);
        for (const [parameter, declaration] of Object.entries(declared)) {
          if (!('defaultValue' in declaration)) assert.ok(parameter in given, `${file} gives the required ${parameter}`);
          if (parameter in given && declaration.allowedValues) assert.ok(declaration.allowedValues.includes(given[parameter]), `${file}: ${parameter} = ${String(given[parameter])} is not one of ${declaration.allowedValues.join(', ')}`);
        }
        for (const value of Object.values(given)) assert.doesNotMatch(JSON.stringify(value), /<unresolved /, `${file}: every placeholder is a variable of env/.env.dev`);
      }
    });

    it('every value the lifecycle reads from provision is written by it: azure.bicep outputs or a toolkit action, before it is read', () => {
      const written = new Set(envSection(/^# Written by the toolkit during provision/));
      const outputs = Object.keys(template('azure').outputs);
      const provision = lifecycle('teamsapp.yml').provision ?? [];
      const armIndex = provision.findIndex((step) => step.uses === 'arm/deploy');
      const scriptIndex = provision.findIndex((step) => step.uses === 'script');
      const actionOutputs = (steps: ArmDeployStep[]): string[] => steps.flatMap((step) => Object.values(step.writeToEnvironmentFile ?? {}));
      // The setup script (after arm/deploy) reads these names; deploy reads the parameter file and the yml.
      const settingsSource = readFileSync(join(ROOT, 'deploy/aws/settings.ts'), 'utf8');
      const readByScript = [...settingsSource.matchAll(/read\('([A-Z0-9_]+)'\)/g)].map((match) => match[1] as string).filter((name) => written.has(name));
      const beforeScript = new Set([...outputs, ...actionOutputs(provision.slice(0, scriptIndex))]);
      assert.ok(armIndex >= 0 && armIndex < scriptIndex);
      for (const name of readByScript) assert.ok(beforeScript.has(name), `the setup script reads ${name}: no step before it writes it`);
      const readLater = [...placeholders(readFileSync(join(ROOT, 'infra/botSettings.parameters.json'), 'utf8')), ...placeholders(readFileSync(join(ROOT, 'teamsapp.yml'), 'utf8'))].filter((name) => written.has(name));
      const allProvision = new Set([...outputs, ...actionOutputs(provision)]);
      for (const name of readLater) assert.ok(allProvision.has(name), `${name} is read after provision but nothing in provision writes it`);
      for (const output of outputs) assert.ok(written.has(output), `env/.env.dev lists the output ${output} under "Written by the toolkit during provision"`);
    });

    it('no secret in any output (top level lands in the committed env file; modules in deployment history)', () => {
      const check = (where: string, compiledTemplate: ArmTemplate): void => {
        const secureParameters = Object.entries(compiledTemplate.parameters ?? {}).filter(([, declaration]) => /^secure/i.test(declaration.type)).map(([name]) => name);
        for (const [name, output] of Object.entries(compiledTemplate.outputs ?? {})) {
          assert.doesNotMatch(output.type, /^secure/i, `${where} output ${name}`);
          const value = JSON.stringify(output.value);
          assert.doesNotMatch(value, /\blist\w*\(/, `${where} output ${name} calls a list function (keys, secrets)`);
          for (const parameter of secureParameters) assert.ok(!value.includes(`parameters('${parameter}')`), `${where} output ${name} returns the secure ${parameter}`);
          // Application Insights' connection string only lets telemetry in (Microsoft: not a secret); it
          // travels from the monitoring module to the app setting, and no further (checked below).
          if (name === 'applicationInsightsConnectionString') continue;
          assert.doesNotMatch(name, /(secret|password|key|connectionstring|token)$/i, `${where} output ${name}`);
        }
        for (const resource of resourcesOf(compiledTemplate).filter((candidate) => candidate.type === 'Microsoft.Resources/deployments')) {
          check(`${where}/${resource.name}`, (resource.properties as { template: ArmTemplate }).template);
        }
      };
      check('azure.bicep', template('azure'));
      check('botSettings.bicep', template('botSettings'));
      const provisionOutputs = Object.keys(template('azure').outputs);
      assert.ok(!provisionOutputs.some((name) => /CONNECTION_STRING|TOKEN_STORE/.test(name)), 'connection strings and keys stay in Azure');
    });

    it('role assignment names are deterministic: guid() of the scope, the principal and the role, nothing time- or run-dependent', () => {
      const assignments = allResources(template('azure')).filter((resource) => resource.type === 'Microsoft.Authorization/roleAssignments');
      assert.equal(assignments.length, 2);
      for (const assignment of assignments) {
        assert.match(assignment.name, /^\[guid\(/, `${assignment.module}: ${assignment.name}`);
        assert.doesNotMatch(assignment.name, /utcNow|newGuid|deployment\(\)/, assignment.name);
        const roleId = /roleDefinitions', ('[0-9a-f-]{36}'|variables\('\w+'\))/.exec(String(assignment.properties?.roleDefinitionId))?.[1] ?? '';
        assert.ok(roleId && assignment.name.includes(roleId), `${assignment.module}: the name includes the role (${roleId})`);
      }
      // Evaluated: the scope, the principal and the role, and nothing only a run knows.
      const [first] = assignments;
      const name = String(evaluate(first?.name, provisionScope()));
      assert.match(name, /^guid\(\/subscriptions\/.+\/storageAccounts\/qst\w+, \/subscriptions\/.+\/userAssignedIdentities\/qbotdev1, ba92f5b4-2d11-453d-a403-e96b0029c9fe\)$/, name);
    });

    it('a Contributor-only deployer: with roleAssignments=admin the templates create no role assignment, and the admin script grants exactly those roles', () => {
      const roleDefinitions = (scope: ArmScope): Array<{ role: string; created: boolean }> => {
        const found: Array<{ role: string; created: boolean }> = [];
        const visit = (current: ArmScope): void => {
          for (const resource of resourcesOf(current.template)) {
            if (resource.type === 'Microsoft.Authorization/roleAssignments') {
              const created = resource.condition === undefined ? true : Boolean(evaluate(resource.condition, current));
              found.push({ role: String(evaluate(resource.properties?.roleDefinitionId, current)).split('/').at(-1) as string, created });
            }
            if (resource.type === 'Microsoft.Resources/deployments') visit(moduleScope(current, resource.name));
          }
        };
        visit(scope);
        return found;
      };
      const byTemplate = roleDefinitions(provisionScope({ roleAssignments: 'template' }));
      assert.deepEqual(byTemplate.map((entry) => entry.created), [true, true]);
      assert.deepEqual(roleDefinitions(provisionScope({ roleAssignments: 'admin' })).map((entry) => entry.created), [false, false]);

      // The administrator's command, against a fake az that records its arguments.
      const folder = mkdtempSync(join(tmpdir(), 'role-assignments-'));
      mkdirSync(join(folder, 'bin'));
      writeFileSync(join(folder, 'bin/az'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${join(folder, 'calls')}"\n`);
      chmodSync(join(folder, 'bin/az'), 0o755);
      const project = join(folder, 'project');
      mkdirSync(join(project, 'env'), { recursive: true });
      mkdirSync(join(project, 'scripts'));
      writeFileSync(join(project, 'scripts/azure-role-assignments.sh'), readFileSync(join(ROOT, 'scripts/azure-role-assignments.sh')));
      const keyId = '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.KeyVault/vaults/qkvvault/keys/token-store';
      const env = { AZURE_SUBSCRIPTION_ID: 'sub-1', AZURE_RESOURCE_GROUP_NAME: 'rg-1', BOT_MANAGED_IDENTITY_PRINCIPAL_ID: 'bot-principal', BOT_STORAGE_ACCOUNT_NAME: 'qstaccount', BOT_KEY_VAULT_KEY_RESOURCE_ID: keyId };
      writeFileSync(join(project, 'env/.env.dev'), Object.entries(env).map(([name, value]) => `${name}=${value}`).join('\n'));
      const output = execFileSync('bash', [join(project, 'scripts/azure-role-assignments.sh'), 'dev'], { encoding: 'utf8', env: { PATH: `${join(folder, 'bin')}:${process.env.PATH ?? ''}` } });
      const calls = readFileSync(join(folder, 'calls'), 'utf8').trim().split('\n');
      assert.equal(calls.length, 2, output);
      const granted = calls.map((call) => /--role (\S+)/.exec(call)?.[1]).sort();
      assert.deepEqual(granted, byTemplate.map((entry) => entry.role).sort(), 'the same built-in roles the template assigns');
      assert.ok(calls.every((call) => /--assignee-object-id bot-principal --assignee-principal-type ServicePrincipal/.test(call) && /--scope \/subscriptions\/sub-1\/resourceGroups\/rg-1\/providers\/Microsoft\.(Storage\/storageAccounts\/qstaccount|KeyVault\/vaults\/qkvvault\/keys\/token-store) /.test(call)), calls.join('\n'));
      assert.ok(calls.some((call) => call.includes(`--scope ${keyId} `)), 'Key Vault Crypto User on the key, not the vault');
    });

    it('a locked-down baseline: no deployment script, no container, no shared-key storage, and every API version GA (listed)', () => {
      const resources = [...allResources(template('azure')), ...allResources(template('botSettings'))];
      const types = resources.map((resource) => resource.type);
      assert.ok(!types.some((type) => /^Microsoft\.Resources\/deploymentScripts$/i.test(type)), 'no deploymentScripts');
      assert.ok(!types.some((type) => /^Microsoft\.ContainerInstance\//i.test(type)), 'no container');
      assert.equal(types.filter((type) => type === 'Microsoft.ManagedIdentity/userAssignedIdentities').length, 1, 'one identity: the bot\'s');
      for (const storage of resources.filter((resource) => resource.type === 'Microsoft.Storage/storageAccounts')) {
        assert.equal(storage.properties?.allowSharedKeyAccess, false, `${storage.name}: no shared keys`);
        assert.equal(storage.properties?.allowBlobPublicAccess, false, `${storage.name}: no public blob access`);
      }
      // "GA": no -preview suffix, except where Azure has no GA version of that shape (named here), and
      // the versions used are exactly this list (a change of version is a reviewed change of this test).
      const previewAllowed = new Set(['Microsoft.Insights/diagnosticSettings']);
      const used = [...new Set(resources.filter((resource) => resource.type !== 'Microsoft.Resources/deployments').map((resource) => `${resource.type}@${resource.apiVersion}`))].sort();
      for (const entry of used) {
        const [type, version] = entry.split('@') as [string, string];
        if (!previewAllowed.has(type)) assert.doesNotMatch(version, /preview|beta|alpha/i, `${entry} is not GA`);
      }
      report.push(`API versions: ${used.join(', ')}`);
      assert.deepEqual(used, [
        'Microsoft.Authorization/roleAssignments@2022-04-01',
        'Microsoft.BotService/botServices/channels@2022-09-15',
        'Microsoft.BotService/botServices@2022-09-15',
        'Microsoft.Insights/actionGroups@2023-01-01',
        'Microsoft.Insights/components@2020-02-02',
        'Microsoft.Insights/diagnosticSettings@2021-05-01-preview',
        'Microsoft.Insights/metricAlerts@2026-01-01',
        'Microsoft.Insights/scheduledQueryRules@2026-03-01',
        'Microsoft.Insights/workbooks@2023-06-01',
        'Microsoft.KeyVault/vaults/keys@2026-02-01',
        'Microsoft.KeyVault/vaults@2026-02-01',
        'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30',
        'Microsoft.OperationalInsights/workspaces@2025-02-01',
        'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01',
        'Microsoft.Storage/storageAccounts/blobServices@2025-06-01',
        'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01',
        'Microsoft.Storage/storageAccounts@2025-06-01',
        'Microsoft.Web/serverfarms@2025-03-01',
        'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01',
        'Microsoft.Web/sites/config@2025-03-01',
        'Microsoft.Web/sites@2025-03-01',
      ]);
    });

    it('log alert rules can be created in a new workspace: skipQueryValidation, and they wait for Application Insights', () => {
      const rules = allResources(template('azure')).filter((resource) => resource.type === 'Microsoft.Insights/scheduledQueryRules');
      assert.ok(rules.length > 0);
      for (const rule of rules) {
        assert.ok(rule.apiVersion >= '2023-03-15-preview', `skipQueryValidation exists from 2023-03-15-preview, got ${rule.apiVersion}`);
        assert.equal(rule.properties?.skipQueryValidation, true);
        assert.ok((rule.dependsOn ?? []).some((dependency) => /Microsoft\.Insights\/components/.test(dependency)), `${rule.name} dependsOn Application Insights: ${JSON.stringify(rule.dependsOn)}`);
      }
    });

    it('a soft-deleted Key Vault of an earlier deployment can be recovered (keyVaultCreateMode=recover), default creates', () => {
      const vaultMode = (mode?: string): unknown => {
        const keys = moduleScope(provisionScope(mode ? { keyVaultCreateMode: mode } : {}), 'Token-store-key');
        const vault = resourcesOf(keys.template).find((resource) => resource.type === 'Microsoft.KeyVault/vaults');
        return evaluate((vault?.properties as { createMode?: unknown }).createMode, keys);
      };
      assert.equal(vaultMode(), 'default', 'env/.env.dev\'s AZURE_KEY_VAULT_CREATE_MODE');
      assert.equal(vaultMode('recover'), 'recover');
    });
  });
});

function count(diagnostics: BicepDiagnostic[], level: BicepDiagnostic['level']): number {
  return diagnostics.filter((diagnostic) => diagnostic.level === level).length;
}

function format(diagnostic: BicepDiagnostic): string {
  return `${diagnostic.file}:${diagnostic.line} ${diagnostic.level} ${diagnostic.code}: ${diagnostic.message}`;
}

function indent(text: string): string {
  return text.trim().split('\n').map((line) => `  ${line}`).join('\n');
}


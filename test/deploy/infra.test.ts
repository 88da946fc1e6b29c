/**
 * The Bicep templates' source, checked structurally on any machine (bicep.test.ts compiles and
 * lints them with Microsoft's Bicep CLI and checks the ARM JSON; the README says what only Azure
 * can verify): a Linux plan on Node 22 that runs node directly, the
 * readiness health check, names within Azure's limits, merged app settings, the token-store key as
 * a Key Vault key the bot may only use (no deployment script), monitoring and the alert rules, and
 * modules wired with the parameters they declare.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { one, only, parseBicep, property, type BicepDeclaration } from '../helpers/bicep';

const ROOT = resolve(__dirname, '../../..');
const INFRA = join(ROOT, 'infra');
const templates = ['azure', 'botSettings', 'appSettings', 'tokenStoreKey', 'monitoring', 'workbook'].map((name) => join(INFRA, `${name}.bicep`));
const parsed = (name: string): BicepDeclaration[] => parseBicep(join(INFRA, `${name}.bicep`));

describe('infra/ Bicep templates (structure)', () => {
  const azure = parsed('azure');
  const monitoring = parsed('monitoring');
  const keyTemplate = parsed('tokenStoreKey');

  it('a Linux plan (reserved) sized by an instance count parameter, default 2', () => {
    const plan = one(azure, 'resource', 'Microsoft.Web/serverfarms');
    assert.equal(property(plan, 'reserved'), 'true');
    assert.equal(property(plan, 'capacity'), 'instanceCount');
    const instanceCount = azure.find((declaration) => declaration.kind === 'param' && declaration.name === 'instanceCount');
    assert.equal(instanceCount?.type, 'int');
    assert.equal(instanceCount?.value, '2');
  });

  it('the web app runs Node 22 LTS with node itself (no npm in between), health-checked on /readyz', () => {
    const site = one(azure, 'resource', 'Microsoft.Web/sites');
    assert.equal(property(site, 'kind'), "'app,linux'");
    assert.equal(property(site, 'linuxFxVersion'), "'NODE|22-lts'");
    assert.equal(property(site, 'healthCheckPath'), "'/readyz'");
    assert.equal(property(site, 'appCommandLine'), "'node lib/src/index.js'");
    assert.equal(property(site, 'keyVaultReferenceIdentity'), 'identity.id');
    for (const template of templates) assert.doesNotMatch(readFileSync(template, 'utf8'), /WEBSITE_NODE_DEFAULT_VERSION/, `${template}: a Windows-only setting`);
  });

  it('storage account and Key Vault names stay within 3-24 lowercase letters and digits whatever the base name', () => {
    const hash = azure.find((declaration) => declaration.name === 'nameHash');
    assert.match(hash?.value ?? '', /^uniqueString\(/, 'uniqueString gives 13 lowercase letters and digits');
    for (const [resourceType, variable] of [['Microsoft.Storage/storageAccounts', 'storageAccountName'], ['Microsoft.KeyVault/vaults', 'keyVaultName']] as const) {
      const name = /^'([a-z0-9]*)\$\{nameHash\}'$/.exec(azure.find((declaration) => declaration.name === variable)?.value ?? '');
      assert.ok(name, `${variable} is a literal prefix plus nameHash`);
      const length = (name[1] as string).length + 13;
      assert.ok(length >= 3 && length <= 24 && /^[a-z]/.test(name[1] as string), `${variable} is ${length} characters`);
      if (resourceType === 'Microsoft.Storage/storageAccounts') assert.equal(property(one(azure, 'resource', resourceType), 'name'), variable);
    }
    assert.equal(property(one(keyTemplate, 'resource', 'Microsoft.KeyVault/vaults'), 'name'), 'keyVaultName');
  });

  it('app settings are only ever written as a merge of the current settings (list + union)', () => {
    const writers = templates.flatMap((template) => only(parseBicep(template), 'resource', 'Microsoft.Web/sites/config').map((resource) => ({ template, resource })));
    assert.equal(writers.length, 1, 'one template writes app settings');
    assert.match(writers[0]?.template ?? '', /appSettings\.bicep$/);
    assert.equal(property(writers[0]!.resource, 'properties'), 'union(currentAppSettings, appSettings)');
    const callers = ['azure', 'botSettings'].flatMap((name) => only(parsed(name), 'module').filter((module) => /appSettings\.bicep$/.test(module.type)));
    assert.equal(callers.length, 2, 'provision and deploy both merge');
    for (const caller of callers) {
      assert.match(property(caller, 'currentAppSettings') ?? '', /^list\('\$\{webApp\.id\}\/config\/appsettings', '[\d-]+'\)\.properties$/);
    }
    for (const template of templates) assert.doesNotMatch(readFileSync(template, 'utf8'), /^\s+appSettings:\s*\[/m, `${template} sets no siteConfig.appSettings (that replaces them all)`);
  });

  it('Application Insights (workspace-based) feeds APPLICATIONINSIGHTS_CONNECTION_STRING; diagnostics go to the workspace', () => {
    const insights = one(monitoring, 'resource', 'Microsoft.Insights/components');
    assert.equal(property(insights, 'WorkspaceResourceId'), 'workspace.id');
    one(monitoring, 'resource', 'Microsoft.OperationalInsights/workspaces');
    const output = monitoring.find((declaration) => declaration.kind === 'output' && declaration.name === 'applicationInsightsConnectionString');
    assert.equal(output?.value, 'appInsights.properties.ConnectionString');
    const provisioned = only(azure, 'module').find((module) => module.name === 'provisionedSettings') as BicepDeclaration;
    assert.equal(property(provisioned, 'APPLICATIONINSIGHTS_CONNECTION_STRING'), 'monitoring.outputs.applicationInsightsConnectionString');
    const diagnostics = only(monitoring, 'resource', 'Microsoft.Insights/diagnosticSettings');
    assert.deepEqual(diagnostics.map((setting) => property(setting, 'scope')).sort(), ['blobService', 'vault', 'webApp']);
    for (const setting of diagnostics) assert.equal(property(setting, 'workspaceId'), 'workspace.id');
  });

  it('alert rules: 5xx, sign-in failure rate, Q throttling, votes failing, on the metric names the bot emits', () => {
    const http = one(monitoring, 'resource', 'Microsoft.Insights/metricAlerts');
    assert.equal(property(http, 'metricName'), "'Http5xx'");
    assert.equal(property(http, 'scopes'), '[webApp.id]');
    one(monitoring, 'resource', 'Microsoft.Insights/scheduledQueryRules');
    const queries = monitoring.find((declaration) => declaration.name === 'logAlerts')?.value ?? '';
    for (const metric of ['qteams.signins', 'qteams.q.throttled', 'qteams.votes']) assert.match(queries, new RegExp(`Name == "${metric.replace(/\./g, '\\.')}"`), metric);
    assert.match(queries, /Properties\.outcome\) != "signedIn"/, 'sign-ins that did not end signed in are failures (the outcomes the bot emits)');
    assert.match(queries, /Properties\.state\) == "failed"/);
  });

  it('the token-store key is a Key Vault key (RBAC, purge protection) the bot may only use, scoped to the key; no template or parameter carries key material', () => {
    const vault = one(keyTemplate, 'resource', 'Microsoft.KeyVault/vaults');
    assert.equal(property(vault, 'enableRbacAuthorization'), 'true');
    assert.equal(property(vault, 'enablePurgeProtection'), 'true');
    const key = one(keyTemplate, 'resource', 'Microsoft.KeyVault/vaults/keys');
    assert.equal(property(key, 'kty'), "'RSA'");
    assert.equal(property(key, 'keyOps'), "['wrapKey', 'unwrapKey']");
    const cryptoUser = keyTemplate.find((declaration) => declaration.name === 'keyVaultCryptoUser')?.value;
    assert.equal(cryptoUser, "'12338af0-0e69-4776-bea7-57ae8d297424'", 'built-in Key Vault Crypto User');
    const grants = only(keyTemplate, 'resource', 'Microsoft.Authorization/roleAssignments');
    assert.equal(grants.length, 1, 'one role assignment: the bot on the key');
    assert.equal(property(grants[0]!, 'scope'), 'tokenStoreKey', 'scoped to the key, not the vault');
    assert.equal(property(grants[0]!, 'principalId'), 'botPrincipalId');
    assert.match(property(grants[0]!, 'roleDefinitionId') ?? '', /keyVaultCryptoUser\)$/);
    const provisioned = only(azure, 'module').find((module) => module.name === 'provisionedSettings') as BicepDeclaration;
    assert.equal(property(provisioned, 'TOKEN_STORE_KEY_VAULT_KEY_URL'), 'tokenStoreKey.outputs.keyUrl');
    assert.equal(property(provisioned, 'TOKEN_STORE_KEY'), undefined, 'no key in a setting');
    for (const file of readdirSync(INFRA).filter((name) => name.endsWith('.json'))) assert.doesNotMatch(readFileSync(join(INFRA, file), 'utf8'), /TOKEN_STORE_KEY/, file);
    for (const template of templates) {
      assert.doesNotMatch(readFileSync(template, 'utf8'), /deploymentScripts|Microsoft\.ContainerInstance|scriptContent|Secrets(User|Officer)/, `${template}: no deployment script, container or secret role`);
      assert.ok(!only(parseBicep(template), 'param').some((param) => /key/i.test(param.name) && param.type === 'string' && /token/i.test(param.name)), `${template}: no key parameter`);
    }
  });

  it('the web app: HTTPS only, TLS 1.2 (site and SCM), FTP off (FTPS state and basic credentials), no remote debugging', () => {
    const site = one(azure, 'resource', 'Microsoft.Web/sites');
    assert.equal(property(site, 'httpsOnly'), 'true');
    assert.equal(property(site, 'minTlsVersion'), "'1.2'");
    assert.equal(property(site, 'scmMinTlsVersion'), "'1.2'");
    assert.equal(property(site, 'ftpsState'), "'Disabled'");
    assert.equal(property(site, 'remoteDebuggingEnabled'), 'false');
    const ftp = one(azure, 'resource', 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    assert.deepEqual([property(ftp, 'name'), property(ftp, 'allow')], ["'ftp'", 'false']);
    const storage = one(azure, 'resource', 'Microsoft.Storage/storageAccounts');
    assert.deepEqual([property(storage, 'allowSharedKeyAccess'), property(storage, 'allowBlobPublicAccess'), property(storage, 'minimumTlsVersion'), property(storage, 'supportsHttpsTrafficOnly')], ['false', 'false', "'TLS1_2'", 'true']);
  });

  it('every module exists and gets exactly the parameters it declares (required ones included)', () => {
    const files = [join(INFRA, 'azure.bicep'), join(INFRA, 'botSettings.bicep')];
    for (const file of files) {
      for (const module of only(parseBicep(file), 'module')) {
        const target = resolve(dirname(file), module.type);
        assert.ok(existsSync(target), `${module.type} exists`);
        const declared = only(parseBicep(target), 'param');
        const paramsBlock = /params:\s*\{([\s\S]*)\}\s*\}\s*$/.exec(module.value)?.[1] ?? '';
        const given = [...paramsBlock.matchAll(/^ {4}(\w+):/gm)].map((match) => match[1] as string);
        for (const name of given) assert.ok(declared.some((param) => param.name === name), `${module.name} passes ${name}, which ${module.type} declares`);
        for (const param of declared.filter((candidate) => candidate.value === '')) assert.ok(given.includes(param.name), `${module.name} passes the required ${param.name}`);
      }
    }
  });

  it('the parameter files give every required parameter and nothing undeclared', () => {
    for (const name of ['azure', 'botSettings']) {
      const declared = only(parsed(name), 'param');
      const given = Object.keys(JSON.parse(readFileSync(join(INFRA, `${name}.parameters.json`), 'utf8')).parameters);
      for (const parameter of given) assert.ok(declared.some((param) => param.name === parameter), `${name}.parameters.json: ${parameter} is declared`);
      for (const param of declared.filter((candidate) => candidate.value === '')) assert.ok(given.includes(param.name), `${name}.parameters.json gives ${param.name}`);
    }
  });
});

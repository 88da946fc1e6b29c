/**
 * The Bicep templates' source, checked structurally on any machine (bicep.test.ts compiles and
 * lints them with Microsoft's Bicep CLI and checks the ARM JSON; the README says what only Azure
 * can verify): a Linux plan on Node 22 that runs node directly, the
 * readiness health check, names within Azure's limits, merged app settings, the token-store key in
 * Key Vault (generated, kept and rotated by its provisioning script, run here against a fake `az`),
 * monitoring and the alert rules, and modules wired with the parameters they declare.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('the token-store key is a Key Vault reference (RBAC vault, bot reads only); no template or parameter carries the key', () => {
    const vault = one(keyTemplate, 'resource', 'Microsoft.KeyVault/vaults');
    assert.equal(property(vault, 'enableRbacAuthorization'), 'true');
    const secretsUser = keyTemplate.find((declaration) => declaration.name === 'keyVaultSecretsUser')?.value;
    assert.equal(secretsUser, "'4633458b-17de-408a-b874-0445c86b69e6'", 'built-in Key Vault Secrets User');
    const botGrant = only(keyTemplate, 'resource', 'Microsoft.Authorization/roleAssignments').find((grant) => property(grant, 'principalId') === 'botPrincipalId') as BicepDeclaration;
    assert.match(property(botGrant, 'roleDefinitionId') ?? '', /keyVaultSecretsUser\)$/);
    const provisioned = only(azure, 'module').find((module) => module.name === 'provisionedSettings') as BicepDeclaration;
    for (const setting of ['TOKEN_STORE_KEY', 'TOKEN_STORE_PREVIOUS_KEYS']) {
      assert.match(property(provisioned, setting) ?? '', /^'@Microsoft\.KeyVault\(VaultName=\$\{tokenStoreKey\.outputs\.keyVaultName\};SecretName=\$\{tokenStoreKey\.outputs\.\w+\}\)'$/, setting);
    }
    for (const file of readdirSync(INFRA).filter((name) => name.endsWith('.json'))) assert.doesNotMatch(readFileSync(join(INFRA, file), 'utf8'), /TOKEN_STORE_KEY/, file);
    for (const template of templates) {
      assert.ok(!only(parseBicep(template), 'param').some((param) => /key/i.test(param.name) && param.type === 'string' && /token/i.test(param.name)), `${template}: no key parameter`);
    }
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

describe('infra/tokenStoreKey.bicep key script (against a fake az)', () => {
  const script = /scriptContent: '''\n([\s\S]*?)'''/.exec(readFileSync(join(INFRA, 'tokenStoreKey.bicep'), 'utf8'))?.[1] ?? '';
  let folder: string;
  const secret = (name: string): string | undefined => (existsSync(join(folder, 'vault', name)) ? readFileSync(join(folder, 'vault', name), 'utf8') : undefined);
  const run = (rotate: boolean, rolesByAdmin = false): string =>
    execFileSync('bash', ['--noprofile', '--norc', '-c', script], {
      encoding: 'utf8',
      env: { HOME: folder, PATH: `${join(folder, 'bin')}:${process.env.PATH ?? ''}`, VAULT: 'qkvtest', KEY_SECRET: 'token-store-key', PREVIOUS_SECRET: 'token-store-previous-keys', ROTATE: rotate ? 'True' : 'False', ROLES_BY_ADMIN: rolesByAdmin ? 'True' : 'False', RETRY_SECONDS: '0', FAKE_VAULT: join(folder, 'vault') },
    });

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'qteams-az-'));
    execFileSync('mkdir', ['-p', join(folder, 'bin'), join(folder, 'vault')]);
    // `az keyvault secret list|show|set` over files: just what the script uses.
    writeFileSync(
      join(folder, 'bin/az'),
      `#!/usr/bin/env bash
set -eu
op="$3"; shift 3; name=""; value=""
while [ $# -gt 0 ]; do case "$1" in --name) name="$2"; shift 2;; --value) value="$2"; shift 2;; *) shift;; esac; done
case "$op" in
  list) if [ -e "$FAKE_VAULT/../denied" ]; then echo "Forbidden" >&2; exit 1; fi; ls "$FAKE_VAULT" ;;
  show) cat "$FAKE_VAULT/$name"; echo ;;
  set) printf '%s' "$value" > "$FAKE_VAULT/$name" ;;
esac
`,
    );
    chmodSync(join(folder, 'bin/az'), 0o755);
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('generates a 32-byte key once, and keeps it on every later provision', () => {
    assert.ok(script.includes('az keyvault secret'), 'script found in the template');
    assert.match(run(false), /generated token-store-key/);
    const key = secret('token-store-key') ?? '';
    assert.equal(Buffer.from(key, 'base64').length, 32);
    assert.equal(secret('token-store-previous-keys'), 'none');
    assert.match(run(false), /kept token-store-key/);
    assert.equal(secret('token-store-key'), key);
  });

  it('roles by an administrator: without access yet it leaves the key absent and succeeds; after the role assignments it generates the key', () => {
    writeFileSync(join(folder, 'denied'), '');
    assert.match(run(false, true), /no access to qkvtest yet: run scripts\/azure-role-assignments\.sh/);
    assert.equal(secret('token-store-key'), undefined);
    assert.throws(() => run(false, false), /cannot list secrets in qkvtest/, 'with roles by the template, no access is a failure');
    rmSync(join(folder, 'denied'));
    assert.match(run(false, true), /generated token-store-key/);
    assert.equal(Buffer.from(secret('token-store-key') ?? '', 'base64').length, 32);
  });

  it('rotation makes a new current key and keeps every earlier key as a previous key', () => {
    run(false);
    const first = secret('token-store-key') ?? '';
    assert.match(run(true), /rotated/);
    const second = secret('token-store-key') ?? '';
    assert.notEqual(second, first);
    assert.equal(secret('token-store-previous-keys'), first);
    run(true);
    assert.equal(secret('token-store-previous-keys'), `${second},${first}`);
    assert.doesNotMatch(run(false), /[A-Za-z0-9+/]{43}=/, 'the script never prints a key');
  });
});

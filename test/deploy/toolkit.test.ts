/**
 * The Teams Toolkit project, checked offline: every lifecycle file against the toolkit's own JSON
 * schema, the app manifest against the official schema (@microsoft/app-manifest), the Entra app
 * manifest's SSO essentials, the icons, `teamsapp package` with the real CLI, and the AWS setup
 * script run by the real CLI's `script` action, with its outputs landing in the env file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import { PNG } from 'pngjs';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'node_modules/.bin/teamsapp');
/** The Microsoft 365 Agents Toolkit CLI (successor of teamsapp; reads m365agents.yml, else teamsapp.yml). */
const ATK = join(ROOT, 'node_modules/.bin/atk');
const run = promisify(execFile);

function schemaFor(version: string, cli = '@microsoft/teamsapp-cli'): object {
  return JSON.parse(readFileSync(join(ROOT, `node_modules/${cli}/resource/yaml-schema/${version}/yaml.schema.json`), 'utf8'));
}

/** The newest lifecycle schema version a CLI ships (v1.13 > v1.9). */
function newestSchema(cli: string): string {
  const versions = readdirSync(join(ROOT, `node_modules/${cli}/resource/yaml-schema`)).filter((name) => /^v\d+\.\d+$/.test(name));
  return versions.sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).at(-1) as string;
}

/** The CLI prints telemetry failures (no internet here); keep its own lines. */
function cliLines(output: string): string {
  return output.split('\n').filter((line) => !/ApplicationInsights|getaddrinfo|^\s+at |errno|syscall|hostname/.test(line)).join('\n');
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_match, name: string) => values[name] ?? `<unresolved ${name}>`);
}

const SAMPLE = {
  TEAMS_APP_ID: '0e1c7a3b-2222-4c4c-9d9d-111111111111',
  BOT_ID: '5a5a5a5a-6b6b-4c7c-8d8d-9e9e9e9e9e9e',
  BOT_DOMAIN: 'qbotdev.azurewebsites.net',
  BOT_ENDPOINT: 'https://qbotdev.azurewebsites.net',
  AAD_APP_CLIENT_ID: '1b1b1b1b-2c2c-4d3d-8e4e-5f5f5f5f5f5f',
  AAD_APP_OBJECT_ID: '2c2c2c2c-3d3d-4e4e-8f5f-6a6a6a6a6a6a',
  AAD_APP_ACCESS_AS_USER_PERMISSION_ID: '3d3d3d3d-4e4e-4f5f-8a6a-7b7b7b7b7b7b',
  APP_NAME_SUFFIX: 'dev',
  PUBLISHER_NAME: 'Example Corp IT',
  PUBLISHER_WEBSITE_URL: 'https://www.example.com',
  PUBLISHER_PRIVACY_URL: 'https://www.example.com/privacy',
  PUBLISHER_TERMS_URL: 'https://www.example.com/terms',
};

describe('Teams Toolkit project (offline checks, real CLI)', function () {
  this.timeout(120000);

  for (const [file, version] of [['teamsapp.yml', 'v1.8'], ['teamsapp.local.yml', 'v1.8'], ['teamsapp.testtool.yml', 'v1.7']] as const) {
    it(`${file} validates against the toolkit's ${version} schema`, () => {
      const document = parse(readFileSync(join(ROOT, file), 'utf8'));
      assert.equal(document.version, version);
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schemaFor(version));
      assert.ok(validate(document), JSON.stringify(validate.errors, null, 2));
    });
  }

  for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
    it(`${file} validates against the Microsoft 365 Agents Toolkit CLI's schema for its version, and its newest one`, () => {
      const document = parse(readFileSync(join(ROOT, file), 'utf8'));
      const cli = '@microsoft/m365agentstoolkit-cli';
      const newest = newestSchema(cli);
      assert.ok(Number(newest.split('.')[1]) > 8, `atk ships schemas newer than v1.8 (found ${newest})`);
      for (const [version, candidate] of [[document.version, document], [newest, { ...document, version: newest }]]) {
        const validate = new Ajv({ strict: false, allErrors: true }).compile(schemaFor(version, cli));
        assert.ok(validate(candidate), `${file} against atk's ${version} schema: ${JSON.stringify(validate.errors, null, 2)}`);
      }
    });
  }

  it('every arm/deploy step pins the Bicep CLI version CI compiles infra/ with (scripts/fetch-bicep.sh)', () => {
    const version = /VERSION="\$\{BICEP_VERSION:-([\d.]+)\}"/.exec(readFileSync(join(ROOT, 'scripts/fetch-bicep.sh'), 'utf8'))?.[1];
    assert.ok(version, 'fetch-bicep.sh names a version');
    for (const file of ['teamsapp.yml', 'teamsapp.local.yml', 'teamsapp.testtool.yml']) {
      const document = parse(readFileSync(join(ROOT, file), 'utf8'));
      const steps = ['provision', 'deploy', 'publish'].flatMap((stage) => (document[stage] ?? []) as Array<{ uses: string; with: { bicepCliVersion?: string } }>).filter((step) => step.uses === 'arm/deploy');
      for (const step of steps) assert.equal(step.with.bicepCliVersion, `v${version}`, `${file}: without bicepCliVersion the toolkit runs whatever \`bicep\` is on PATH`);
    }
  });

  it('the lifecycle runs arm/deploy before the AWS script, and applies the AWS ARNs during deploy', () => {
    const document = parse(readFileSync(join(ROOT, 'teamsapp.yml'), 'utf8'));
    const provision = (document.provision as Array<{ uses: string }>).map((step) => step.uses);
    assert.ok(provision.indexOf('arm/deploy') < provision.indexOf('script'), 'the managed identity exists before AWS trusts it');
    const deploy = document.deploy as Array<{ uses: string; with: { templates?: Array<{ path: string }> } }>;
    const settingsStep = deploy.find((step) => step.uses === 'arm/deploy');
    assert.equal(settingsStep?.with.templates?.[0]?.path, './infra/botSettings.bicep');
    const parameters = readFileSync(join(ROOT, 'infra/botSettings.parameters.json'), 'utf8');
    for (const name of ['RUNTIME_IDC_APPLICATION_ARN', 'RUNTIME_Q_USER_ROLE_ARN', 'BOT_AWS_ROLE_ARN']) assert.match(parameters, new RegExp(`\\$\\{\\{${name}\\}\\}`));
    const bicep = readFileSync(join(ROOT, 'infra/botSettings.bicep'), 'utf8');
    for (const setting of ['BOT_ID', 'BOT_TYPE', 'BOT_TENANT_ID', 'AMAZON_Q_APP_ID', 'AMAZON_Q_REGION', 'IDC_APPLICATION_ARN', 'Q_USER_ROLE_ARN', 'AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'BOT_AWS_ROLE_ARN']) {
      assert.match(bicep, new RegExp(`^\\s+${setting}: `, 'm'), `web app setting ${setting}`);
    }
  });

  it('the app manifest validates against the official schema, with the bot in every scope and SSO wired', async () => {
    const { AppManifestUtils } = await import('@microsoft/app-manifest');
    const manifest = JSON.parse(fill(readFileSync(join(ROOT, 'appPackage/manifest.json'), 'utf8'), SAMPLE));
    const errors = await AppManifestUtils.validateAgainstSchema(manifest);
    assert.deepEqual(errors, []);
    const [bot] = manifest.bots;
    assert.deepEqual(bot.scopes, ['personal', 'team', 'groupChat', 'copilot']);
    assert.equal(bot.supportsFiles, true);
    assert.deepEqual(bot.commandLists[0].scopes, ['personal', 'team', 'groupChat']);
    const commands = bot.commandLists[0].commands.map((command: { title: string }) => command.title);
    assert.deepEqual(commands.slice(0, 3), ['help', '/new', '/signout']);
    assert.equal(commands.length, 6, 'three prompt starters beside the three commands');
    for (const starter of commands.slice(3)) assert.match(starter, /^[^/].*\?$/, 'a prompt starter is a question a person could type');
    assert.deepEqual(manifest.webApplicationInfo, { id: SAMPLE.AAD_APP_CLIENT_ID, resource: `api://botid-${SAMPLE.BOT_ID}` });
    assert.deepEqual(manifest.validDomains, [SAMPLE.BOT_DOMAIN]);
  });

  it('declares the bot as the custom engine agent of Microsoft 365 Copilot Chat, as the schema requires', async () => {
    const { AppManifestUtils } = await import('@microsoft/app-manifest');
    const text = readFileSync(join(ROOT, 'appPackage/manifest.json'), 'utf8');
    const manifest = JSON.parse(fill(text, SAMPLE));
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest), []);
    // The schema the manifest names has the field (customEngineAgents arrived in 1.20, the bot's copilot scope in 1.21).
    const version = manifest.manifestVersion as string;
    const schema = JSON.parse(readFileSync(join(ROOT, `node_modules/@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`), 'utf8'));
    assert.ok(schema.properties.copilotAgents.properties.customEngineAgents, `manifest ${version} has customEngineAgents`);
    assert.match(JSON.parse(text).$schema, new RegExp(`/v${version.replace('.', '\\.')}/MicrosoftTeams\\.schema\\.json$`));

    const agents = manifest.copilotAgents.customEngineAgents;
    assert.equal(agents.length, 1, 'one custom engine agent per app');
    assert.equal(agents[0].type, 'bot');
    assert.equal(agents[0].id, SAMPLE.BOT_ID);
    assert.equal(agents[0].id, manifest.bots[0].botId, 'the agent is this app’s bot');
    assert.equal(manifest.copilotAgents.declarativeAgents, undefined, 'a custom engine agent or a declarative agent, not both');
    assert.ok(agents[0].disclaimer.text.length > 0 && agents[0].disclaimer.text.length <= 500);
    const [bot] = manifest.bots;
    assert.ok(bot.scopes.includes('personal'), 'Copilot needs the bot’s personal scope');
    assert.ok(bot.scopes.includes('copilot'));
    assert.ok(manifest.name.short.length > 0 && manifest.name.short.length <= 30, 'short name present');
    assert.ok(manifest.description.short.length > 0 && manifest.description.short.length <= 80, 'short description present');

    // Copilot's conversation starters: the bot's command list for the copilot scope holds the same
    // three example questions as the Teams prompt starters, and no slash commands.
    const copilotList = bot.commandLists.find((list: { scopes: string[] }) => list.scopes.includes('copilot'));
    const teamsStarters = bot.commandLists[0].commands.slice(3);
    assert.deepEqual(copilotList.scopes, ['copilot']);
    assert.deepEqual(copilotList.commands, teamsStarters);
    for (const starter of copilotList.commands) assert.ok(starter.title.length <= 32 && starter.description.length <= 128);
  });

  it('the message extension: an "Ask Q" search command and an "Ask Q about this message" action, on this bot, with the ids the bot handles', async () => {
    const { AppManifestUtils } = await import('@microsoft/app-manifest');
    const { MESSAGE_EXTENSION_COMMANDS } = await import('../../src/features/messageExtension/commands');
    const manifest = JSON.parse(fill(readFileSync(join(ROOT, 'appPackage/manifest.json'), 'utf8'), SAMPLE));
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest), []);
    const [extension] = manifest.composeExtensions;
    assert.equal(extension.botId, SAMPLE.BOT_ID);
    const [search, action] = extension.commands;
    assert.deepEqual(
      { id: search.id, type: search.type, context: search.context, parameter: search.parameters.map((p: { name: string }) => p.name) },
      { id: MESSAGE_EXTENSION_COMMANDS.search, type: 'query', context: ['compose', 'commandBox'], parameter: [MESSAGE_EXTENSION_COMMANDS.searchParameter] },
    );
    assert.deepEqual(
      { id: action.id, type: action.type, context: action.context, fetchTask: action.fetchTask },
      { id: MESSAGE_EXTENSION_COMMANDS.aboutMessage, type: 'action', context: ['message'], fetchTask: true },
    );
    // What Microsoft 365 Copilot reads when it calls the search command as a plugin.
    assert.ok(search.semanticDescription.length > 100 && search.parameters[0].semanticDescription.length > 50);
  });

  it('asks only for resource-specific consent to read messages and meeting transcripts, never a tenant-wide Graph application permission', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'appPackage/manifest.json'), 'utf8'));
    assert.deepEqual(manifest.authorization.permissions.resourceSpecific, [
      { name: 'ChannelMessage.Read.Group', type: 'Application' },
      { name: 'ChatMessage.Read.Chat', type: 'Application' },
      // Meeting recaps: the meeting's details (Teams' meeting API) and its transcripts, for chats the app is in.
      { name: 'OnlineMeeting.ReadBasic.Chat', type: 'Application' },
      { name: 'OnlineMeetingTranscript.Read.Chat', type: 'Application' },
    ]);
    const entra = JSON.parse(readFileSync(join(ROOT, 'aad.manifest.json'), 'utf8'));
    const access = entra.requiredResourceAccess.flatMap((resource: { resourceAccess: Array<{ id: string; type: string }> }) => resource.resourceAccess);
    assert.deepEqual(access.filter((permission: { type: string }) => permission.type !== 'Scope'), [], 'delegated sign-in scopes only: no application (Role) permissions');
    assert.ok(!access.some((permission: { id: string }) => /ChannelMessage\.Read\.All|Files\.Read\.All/.test(permission.id)));
  });

  it('the SSO Entra app asks for v2 tokens with the claims Identity Center maps, for Teams clients, at api://botid-<BOT_ID>', () => {
    const manifest = JSON.parse(fill(readFileSync(join(ROOT, 'aad.manifest.json'), 'utf8'), SAMPLE));
    assert.deepEqual(manifest.identifierUris, [`api://botid-${SAMPLE.BOT_ID}`]);
    assert.equal(manifest.api.requestedAccessTokenVersion, 2);
    assert.equal(manifest.signInAudience, 'AzureADMyOrg');
    const [scope] = manifest.api.oauth2PermissionScopes;
    assert.equal(scope.value, 'access_as_user');
    const preAuthorized = manifest.api.preAuthorizedApplications.map((app: { appId: string }) => app.appId);
    assert.ok(preAuthorized.includes('1fec8e78-bce4-4aaf-ab1b-5451cc387264'), 'Teams desktop/mobile');
    assert.ok(preAuthorized.includes('5e3ce6c0-2b1f-4285-8d4b-75ee78787346'), 'Teams web');
    for (const app of manifest.api.preAuthorizedApplications) assert.deepEqual(app.delegatedPermissionIds, [scope.id]);
    assert.deepEqual(manifest.optionalClaims.accessToken.map((claim: { name: string }) => claim.name).filter((name: string) => name !== 'idtyp'), ['email', 'upn']);
    assert.deepEqual(manifest.spa.redirectUris, [`${SAMPLE.BOT_ENDPOINT}/auth-end.html`], 'the PKCE fallback page, as a SPA redirect (no secret)');
  });

  it('icons: colour 192×192, outline 32×32 white on transparent, both small', () => {
    const color = PNG.sync.read(readFileSync(join(ROOT, 'appPackage/color.png')));
    assert.deepEqual([color.width, color.height], [192, 192]);
    const outline = PNG.sync.read(readFileSync(join(ROOT, 'appPackage/outline.png')));
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    let transparent = 0;
    for (let index = 0; index < outline.data.length; index += 4) {
      const [r, g, b, a] = [outline.data[index], outline.data[index + 1], outline.data[index + 2], outline.data[index + 3]];
      if (a === 0) transparent += 1;
      else assert.deepEqual([r, g, b], [255, 255, 255], 'outline pixels are white');
    }
    assert.ok(transparent > 32 * 32 * 0.3, 'the outline background is transparent');
    assert.ok(readFileSync(join(ROOT, 'appPackage/color.png')).length < 100 * 1024);
    assert.ok(readFileSync(join(ROOT, 'appPackage/outline.png')).length < 10 * 1024);
  });

  it('`teamsapp package --env dev` builds the app package with the real CLI', async () => {
    const project = mkdtempSync(join(tmpdir(), 'teamsapp-package-'));
    for (const item of ['teamsapp.yml', 'appPackage', 'aad.manifest.json', 'infra']) cpSync(join(ROOT, item), join(project, item), { recursive: true });
    mkdirSync(join(project, 'env'));
    const env = readFileSync(join(ROOT, 'env/.env.dev'), 'utf8').replace(/^(TEAMS_APP_ID|BOT_ID|BOT_DOMAIN|AAD_APP_CLIENT_ID)=$/gm, (_line, name: keyof typeof SAMPLE) => `${name}=${SAMPLE[name]}`);
    writeFileSync(join(project, 'env/.env.dev'), env);
    const { stdout, stderr } = await run(CLI, ['package', '--env', 'dev', '--telemetry', 'false', '-i', 'false'], { cwd: project });
    assert.match(cliLines(stdout + stderr), /built successfully/);
    const built = JSON.parse(readFileSync(join(project, 'appPackage/build/manifest.dev.json'), 'utf8'));
    assert.equal(built.bots[0].botId, SAMPLE.BOT_ID);
    assert.equal(built.webApplicationInfo.resource, `api://botid-${SAMPLE.BOT_ID}`);
    assert.equal(built.copilotAgents.customEngineAgents[0].id, SAMPLE.BOT_ID, 'the packaged custom engine agent is the bot');
    assert.ok(existsSync(join(project, 'appPackage/build/appPackage.dev.zip')));
  });

  it('`atk package --env dev` (Microsoft 365 Agents Toolkit CLI) reads teamsapp.yml and builds the same package', async () => {
    const project = mkdtempSync(join(tmpdir(), 'atk-package-'));
    for (const item of ['teamsapp.yml', 'appPackage', 'aad.manifest.json', 'infra']) cpSync(join(ROOT, item), join(project, item), { recursive: true });
    mkdirSync(join(project, 'env'));
    const env = readFileSync(join(ROOT, 'env/.env.dev'), 'utf8').replace(/^(TEAMS_APP_ID|BOT_ID|BOT_DOMAIN|AAD_APP_CLIENT_ID)=$/gm, (_line, name: keyof typeof SAMPLE) => `${name}=${SAMPLE[name]}`);
    writeFileSync(join(project, 'env/.env.dev'), env);
    assert.ok(!existsSync(join(project, 'm365agents.yml')), 'no m365agents.yml: atk falls back to teamsapp.yml');
    const { stdout, stderr } = await run(ATK, ['package', '--env', 'dev', '--telemetry', 'false', '-i', 'false'], { cwd: project });
    assert.match(cliLines(stdout + stderr), /built successfully/);
    const built = JSON.parse(readFileSync(join(project, 'appPackage/build/manifest.dev.json'), 'utf8'));
    assert.equal(built.bots[0].botId, SAMPLE.BOT_ID);
  });

  it('the real CLI runs the AWS setup script step, and its outputs land in the env files', async () => {
    const project = mkdtempSync(join(tmpdir(), 'teamsapp-script-'));
    mkdirSync(join(project, 'env'));
    writeFileSync(
      join(project, 'teamsapp.yml'),
      `version: v1.8\nenvironmentFolderPath: ./env\nprovision:\n  - uses: script\n    with:\n      run: node ${JSON.stringify(join(ROOT, 'lib/deploy/aws/setup.js'))} --target local\n`,
    );
    writeFileSync(join(project, 'env/.env.ci'), 'TEAMSFX_ENV=ci\nAMAZON_Q_APP_ID=\n');
    const { stdout, stderr } = await run(CLI, ['provision', '--env', 'ci', '--telemetry', 'false', '-i', 'false'], { cwd: project });
    assert.match(cliLines(stdout + stderr), /provision stage executed successfully|Lifecycle stage provision was executed successfully/);
    const env = readFileSync(join(project, 'env/.env.ci'), 'utf8');
    assert.match(env, /^RUNTIME_AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:8088$/m);
    assert.match(env, /^RUNTIME_DEV_LOCAL_SIGN_IN=true$/m);
    assert.match(readFileSync(join(project, 'env/.env.ci.user'), 'utf8'), /^SECRET_TOKEN_STORE_KEY=\S{44}$/m);
  });

  it('the committed env files hold no secrets, and name every variable the bot reads', () => {
    for (const environment of ['local', 'dev', 'testtool']) {
      const text = readFileSync(join(ROOT, `env/.env.${environment}`), 'utf8');
      assert.doesNotMatch(text, /^SECRET_\w+=\S/m, `env/.env.${environment} has a secret value`);
    }
    const localConfigs = parse(readFileSync(join(ROOT, 'teamsapp.local.yml'), 'utf8')).deploy[0].with.envs as Record<string, string>;
    for (const name of ['BOT_ID', 'BOT_PASSWORD', 'BOT_TYPE', 'BOT_TENANT_ID', 'AMAZON_Q_APP_ID', 'AMAZON_Q_REGION', 'AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'IDC_APPLICATION_ARN', 'Q_USER_ROLE_ARN', 'TOKEN_STORE_KEY', 'BOT_ENDPOINT']) {
      assert.ok(name in localConfigs, `.localConfigs sets ${name}`);
    }
  });

  it('the bot accepts the settings F5 writes in local-services mode and the settings deploy gives the web app', async () => {
    const { loadConfig } = await import('../../src/config');
    const { main } = await import('../../deploy/aws/setup');
    // Local-services mode: the setup script's outputs, then teamsapp.local.yml's .localConfigs mapping.
    const project = mkdtempSync(join(tmpdir(), 'localconfigs-'));
    mkdirSync(join(project, 'env'));
    writeFileSync(join(project, 'env/.env.local'), 'TEAMSFX_ENV=local\n');
    assert.equal(await main(['--target', 'local'], { TEAMSFX_ENV: 'local' }, { write: () => undefined, projectRoot: project }), 0);
    const envValues = Object.fromEntries(
      [...readFileSync(join(project, 'env/.env.local'), 'utf8').split('\n'), ...readFileSync(join(project, 'env/.env.local.user'), 'utf8').split('\n')]
        .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
        .filter((match): match is RegExpExecArray => Boolean(match))
        .map((match) => [match[1] as string, match[2] as string]),
    );
    const toolkitValues = { ...envValues, BOT_ID: SAMPLE.BOT_ID, SECRET_BOT_PASSWORD: 'bot-secret', BOT_TENANT_ID: SAMPLE.AAD_APP_CLIENT_ID, BOT_ENDPOINT: 'https://tunnel.example.devtunnels.ms' };
    const localConfigs = parse(readFileSync(join(ROOT, 'teamsapp.local.yml'), 'utf8')).deploy[0].with.envs as Record<string, string | number>;
    const botEnv = Object.fromEntries(Object.entries(localConfigs).map(([name, value]) => [name, fill(String(value), toolkitValues)]));
    assert.ok(!Object.values(botEnv).some((value) => value.startsWith('<unresolved')), `every .localConfigs value is written by provision: ${JSON.stringify(botEnv)}`);
    assert.equal(botEnv.AWS_PROFILE, 'default', 'never an empty AWS_PROFILE');
    const local = loadConfig(botEnv);
    assert.equal(local.bot?.appType, 'SingleTenant');
    assert.equal(local.sso?.devLocalSignIn, true);
    assert.equal(local.sso?.devLocalSignInUser, '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');

    // Azure: the app settings provision (infra/azure.bicep) and deploy (infra/botSettings.bicep) merge in, with sample values.
    const bicep = ['azure', 'botSettings'].map((name) => readFileSync(join(ROOT, `infra/${name}.bicep`), 'utf8')).join('\n');
    const settingNames = [...bicep.matchAll(/^\s{6}([A-Z][A-Z0-9_]+): /gm)].map((match) => match[1] as string);
    const sampleSettings: Record<string, string> = {
      BOT_ID: SAMPLE.BOT_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: SAMPLE.AAD_APP_CLIENT_ID, BOT_ENDPOINT: SAMPLE.BOT_ENDPOINT,
      BOT_STATE_BLOB_URL: 'https://qbotdevstate.blob.core.windows.net/bot-state', AMAZON_Q_APP_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', AMAZON_Q_REGION: 'us-east-1',
      AWS_IDC_REGION: 'us-east-1', IDC_APPLICATION_ARN: 'arn:aws:sso::111122223333:application/ssoins-1234567890abcdef/apl-0123456789abcdef',
      Q_USER_ROLE_ARN: 'arn:aws:iam::444455556666:role/AmazonQBusinessTeamsUser-dev', BOT_AWS_ROLE_ARN: 'arn:aws:iam::444455556666:role/AmazonQBusinessTeamsBot-dev',
      BOT_AWS_TOKEN_AUDIENCE: 'api://AzureADTokenExchange', AAD_APP_CLIENT_ID: SAMPLE.AAD_APP_CLIENT_ID, AAD_APP_TENANT_ID: SAMPLE.AAD_APP_OBJECT_ID,
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://login.microsoftonline.com', SSO_RESOURCE_URI: `api://botid-${SAMPLE.BOT_ID}`,
      // The Key Vault key that wraps the token-store data key (no key in any setting).
      TOKEN_STORE_KEY_VAULT_KEY_URL: 'https://qkvsample.vault.azure.net/keys/token-store',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
      LOG_LEVEL: 'info', SCM_DO_BUILD_DURING_DEPLOYMENT: 'false',
    };
    const missing = settingNames.filter((name) => !(name in sampleSettings));
    assert.deepEqual(missing, [], 'every web app setting has a sample value here');
    const azure = loadConfig(Object.fromEntries(settingNames.map((name) => [name, sampleSettings[name] as string])));
    assert.equal(azure.bot?.appType, 'UserAssignedMSI');
    assert.equal(azure.botAwsWebIdentity?.managedIdentityClientId, SAMPLE.BOT_ID);
    assert.equal(azure.sso?.devLocalSignIn, false);
    assert.deepEqual([azure.sso?.tokenStoreKeyVaultKeyUrl, azure.sso?.tokenStoreKeyVaultClientId, azure.sso?.tokenStoreKey.length], ['https://qkvsample.vault.azure.net/keys/token-store', SAMPLE.BOT_ID, 0]);
    assert.deepEqual(azure.state, { kind: 'blobManagedIdentity', managedIdentityClientId: SAMPLE.BOT_ID, containerUrl: 'https://qbotdevstate.blob.core.windows.net/bot-state' });
  });

  it('deploy uploads only the bundled bot and its sign-in pages, and that bundle starts', async () => {
    await run(process.execPath, [join(ROOT, 'scripts/package-webapp.js')], { cwd: ROOT });
    const bundle = join(ROOT, '.webapp');
    for (const present of ['lib/src/index.js', 'public/auth-start.html']) assert.ok(existsSync(join(bundle, present)), present);
    for (const absent of ['node_modules', 'lib/src/index.js.map', 'test', 'localdev']) {
      assert.ok(!existsSync(join(bundle, absent)), `${absent} is not deployed`);
    }
    const { freePort, waitForHealth } = await import('../helpers/botProcess');
    const { spawn } = await import('node:child_process');
    const port = await freePort();
    const child = spawn(process.execPath, [join(bundle, 'lib/src/index.js')], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port), AMAZON_Q_APP_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', AMAZON_Q_REGION: 'us-east-1', LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    try {
      await waitForHealth(`http://127.0.0.1:${port}`);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

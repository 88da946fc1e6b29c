import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { loadConfig } from '../../src/config';
import { problemsOf } from '../helpers/configProblems';

const APP_ID = '2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45';
const minimal = { AMAZON_Q_APP_ID: APP_ID, AMAZON_Q_REGION: 'us-east-1' };


describe('config', () => {
  it('needs only the Q application and region; everything else has defaults', () => {
    const config = loadConfig(minimal);
    assert.deepEqual(config, { port: 3978, logLevel: 'info', threadContextDays: 7, qbusiness: { applicationId: APP_ID, region: 'us-east-1' }, state: { kind: 'memory' }, awsSdkEnvironment: {}, streaming: true, sharedSpaceAnswers: 'private', knowledgeScopes: [], instance: hostname() });
  });

  it('keeps shared state in a blob container: by connection string (Azurite) or by URL with the managed identity', () => {
    const azurite = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';
    assert.deepEqual(loadConfig({ ...minimal, AZURE_STORAGE_CONNECTION_STRING: azurite, BOT_STATE_BLOB_CONTAINER: 'bot-state' }).state, {
      kind: 'blobConnectionString', connectionString: azurite, container: 'bot-state',
    });
    assert.equal(loadConfig({ ...minimal, AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', BOT_STATE_BLOB_CONTAINER: 'state' }).state.kind, 'blobConnectionString');
    const msi = { ...minimal, BOT_ID: 'bot', BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: 'tenant' };
    assert.deepEqual(loadConfig({ ...msi, BOT_STATE_BLOB_URL: 'https://acct.blob.core.windows.net/bot-state' }).state, {
      kind: 'blobManagedIdentity', containerUrl: 'https://acct.blob.core.windows.net/bot-state', managedIdentityClientId: 'bot',
    });
  });

  it('refuses a half-set state store, naming what to set, and never echoes the connection string', () => {
    assert.match(problemsOf({ ...minimal, BOT_STATE_BLOB_CONTAINER: 'bot-state' }).join('\n'), /^AZURE_STORAGE_CONNECTION_STRING is not set, but BOT_STATE_BLOB_CONTAINER is/);
    assert.match(problemsOf({ ...minimal, AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).join('\n'), /^BOT_STATE_BLOB_CONTAINER is not set, but AZURE_STORAGE_CONNECTION_STRING is/);
    assert.match(problemsOf({ ...minimal, AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', BOT_STATE_BLOB_CONTAINER: 'Bot_State' }).join('\n'), /BOT_STATE_BLOB_CONTAINER must be a container name/);
    const secret = 'AccountKey=c2VjcmV0LWtleQ==;Nothing=else';
    const problems = problemsOf({ ...minimal, AZURE_STORAGE_CONNECTION_STRING: secret, BOT_STATE_BLOB_CONTAINER: 'bot-state' }).join('\n');
    assert.match(problems, /does not look like an Azure Storage connection string/);
    assert.ok(!problems.includes('c2VjcmV0LWtleQ'), 'the key is not echoed');
    assert.match(
      problemsOf({ ...minimal, BOT_ID: 'bot', BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: 't', BOT_STATE_BLOB_URL: 'https://a.blob.core.windows.net/c', BOT_STATE_BLOB_CONTAINER: 'c' }).join('\n'),
      /both set/,
    );
  });

  it('turns streaming off with STREAMING=off and refuses other values', () => {
    assert.equal(loadConfig({ ...minimal, STREAMING: 'off' }).streaming, false);
    assert.equal(loadConfig({ ...minimal, STREAMING: 'on' }).streaming, true);
    assert.match(problemsOf({ ...minimal, STREAMING: 'sometimes' }).join('\n'), /STREAMING must be "on" or "off"/);
  });

  it('names each missing variable and where to set it', () => {
    const problems = problemsOf({});
    assert.equal(problems.length, 2);
    assert.match(problems[0] as string, /^AMAZON_Q_APP_ID is not set: the Amazon Q Business application ID.*env\/\.env\.<environment>/);
    assert.match(problems[1] as string, /^AMAZON_Q_REGION is not set/);
  });

  it('rejects malformed values', () => {
    const problems = problemsOf({ AMAZON_Q_APP_ID: 'my-app', AMAZON_Q_REGION: 'Virginia', PORT: 'eighty', LOG_LEVEL: 'loud' });
    assert.deepEqual(problems.map((problem) => problem.split(' ')[0]), ['PORT', 'LOG_LEVEL', 'AMAZON_Q_APP_ID', 'AMAZON_Q_REGION']);
  });

  it('reads the bot identity the toolkit writes, per bot type', () => {
    assert.deepEqual(loadConfig({ ...minimal, BOT_ID: 'bot', BOT_PASSWORD: 'pw', BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: 'tenant' }).bot, {
      appId: 'bot', appType: 'SingleTenant', appPassword: 'pw', tenantId: 'tenant',
    });
    assert.deepEqual(loadConfig({ ...minimal, BOT_ID: 'bot', BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: 'tenant' }).bot, { appId: 'bot', appType: 'UserAssignedMSI', tenantId: 'tenant' });
    assert.match(problemsOf({ ...minimal, BOT_ID: 'bot', BOT_TYPE: 'SingleTenant' }).join('\n'), /BOT_PASSWORD is not set[\s\S]*BOT_TENANT_ID is not set/);
    assert.match(problemsOf({ ...minimal, BOT_ID: 'bot', BOT_TYPE: 'Other' }).join('\n'), /BOT_TYPE must be MultiTenant, SingleTenant or UserAssignedMsi/);
  });

  it('reports the AWS SDK settings it leaves to the SDK, without credential values', () => {
    const config = loadConfig({ ...minimal, AWS_ENDPOINT_URL_QBUSINESS: 'http://127.0.0.1:8088', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    assert.deepEqual(config.awsSdkEnvironment, { AWS_ENDPOINT_URL_QBUSINESS: 'http://127.0.0.1:8088', AWS_ACCESS_KEY_ID: '(set)' });
  });

  describe('per-user sign-in', () => {
    const sso = {
      ...minimal,
      AAD_APP_CLIENT_ID: '0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d',
      AAD_APP_TENANT_ID: '5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e',
      IDC_APPLICATION_ARN: 'arn:aws:sso::111122223333:application/ssoins-7223a1b2c3d4e5f6/apl-0a1b2c3d4e5f6a7b',
      Q_USER_ROLE_ARN: 'arn:aws:iam::111122223333:role/QBusinessTeamsUserRole',
      TOKEN_STORE_KEY: Buffer.alloc(32, 7).toString('base64'),
      BOT_ID: 'b0b0b0b0-0000-4000-8000-000000000001',
      BOT_PASSWORD: 'pw',
    };

    it('is on when the three switches are set, with documented defaults', () => {
      const config = loadConfig(sso).sso;
      assert.equal(config?.resourceUri, 'api://botid-b0b0b0b0-0000-4000-8000-000000000001');
      assert.equal(config?.authorityHost, 'https://login.microsoftonline.com');
      assert.equal(config?.idcRegion, 'us-east-1', 'Identity Center Region defaults to the Q Region');
      assert.equal(config?.devLocalSignIn, false);
      assert.equal(config?.tokenStoreKey.length, 32);
    });

    it('reads earlier token-store keys for rotation; "none" or empty means none; unresolved Key Vault references are named', () => {
      assert.deepEqual(loadConfig(sso).sso?.tokenStorePreviousKeys, []);
      assert.deepEqual(loadConfig({ ...sso, TOKEN_STORE_PREVIOUS_KEYS: 'none' }).sso?.tokenStorePreviousKeys, []);
      const older = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
      assert.deepEqual(loadConfig({ ...sso, TOKEN_STORE_PREVIOUS_KEYS: older.map((key) => key.toString('base64')).join(', ') }).sso?.tokenStorePreviousKeys, older);
      assert.match(problemsOf({ ...sso, TOKEN_STORE_PREVIOUS_KEYS: `${older[0]?.toString('base64')},c2hvcnQ=` }).join('\n'), /TOKEN_STORE_PREVIOUS_KEYS must list .* 1 of 2 entries are not such a key/);
      const reference = '@Microsoft.KeyVault(VaultName=qkv1;SecretName=token-store-key)';
      assert.match(problemsOf({ ...sso, TOKEN_STORE_KEY: reference }).join('\n'), /TOKEN_STORE_KEY is a Key Vault reference App Service could not resolve: .*Key Vault Secrets User/);
    });

    it('turns meeting recaps on with a user-assigned managed identity (secretless Graph), off without one or with MEETING_RECAPS=off', () => {
      const msi = { ...sso, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: sso.AAD_APP_TENANT_ID };
      assert.deepEqual(loadConfig(msi).meetingRecaps, {
        graphBaseUrl: 'https://graph.microsoft.com',
        clientId: sso.AAD_APP_CLIENT_ID,
        tenantId: sso.AAD_APP_TENANT_ID,
        authorityHost: 'https://login.microsoftonline.com',
        managedIdentityClientId: sso.BOT_ID,
      });
      assert.equal(loadConfig(sso).meetingRecaps, undefined, 'a bot with a client secret has no managed identity to federate');
      assert.equal(loadConfig({ ...msi, MEETING_RECAPS: 'off' }).meetingRecaps, undefined);
      assert.equal(loadConfig({ ...minimal, GRAPH_MANAGED_IDENTITY_CLIENT_ID: sso.BOT_ID }).meetingRecaps, undefined, 'without SSO there is no Entra app holding the meeting permissions');
      assert.equal(loadConfig({ ...sso, GRAPH_MANAGED_IDENTITY_CLIENT_ID: 'c1c1c1c1-d2d2-4e3e-8f4f-a5a5a5a5a5a5' }).meetingRecaps?.managedIdentityClientId, 'c1c1c1c1-d2d2-4e3e-8f4f-a5a5a5a5a5a5');
      assert.deepEqual(
        problemsOf({ ...msi, MEETING_RECAPS: 'maybe', GRAPH_BASE_URL: 'http://graph.example.com', GRAPH_AUTHORITY_HOST: 'ftp://login' }).map((problem) => problem.split(' ')[0]),
        ['MEETING_RECAPS', 'GRAPH_BASE_URL', 'GRAPH_AUTHORITY_HOST'],
      );
    });

    it('accepts the development meeting API (playground) only on loopback and without a bot identity', () => {
      assert.equal(loadConfig({ ...minimal, DEV_TEAMS_MEETING_API_URL: 'http://127.0.0.1:8088/' }).devTeamsMeetingApiUrl, 'http://127.0.0.1:8088');
      assert.match(problemsOf({ ...minimal, DEV_TEAMS_MEETING_API_URL: 'https://smba.trafficmanager.net' })[0] ?? '', /^DEV_TEAMS_MEETING_API_URL is for the local playground only/);
      assert.match(problemsOf({ ...sso, DEV_TEAMS_MEETING_API_URL: 'http://127.0.0.1:8088' })[0] ?? '', /BOT_ID must be unset/);
    });

    it('refuses a partial setup and names what is missing', () => {
      const { IDC_APPLICATION_ARN: _omitted, ...partial } = sso;
      assert.match(problemsOf(partial).join('\n'), /IDC_APPLICATION_ARN is not set: per-user sign-in needs all of AAD_APP_CLIENT_ID, AAD_APP_TENANT_ID, IDC_APPLICATION_ARN/);
      const { Q_USER_ROLE_ARN: _role, TOKEN_STORE_KEY: _key, BOT_ID: _bot, BOT_PASSWORD: _pw, ...noRole } = sso;
      const problems = problemsOf(noRole).join('\n');
      assert.match(problems, /Q_USER_ROLE_ARN is not set/);
      assert.match(problems, /TOKEN_STORE_KEY is not set.*randomBytes\(32\)/);
      assert.match(problems, /SSO_RESOURCE_URI is not set/);
    });

    it('refuses the development sign-in unless every endpoint is local', () => {
      const problems = problemsOf({ ...sso, DEV_LOCAL_SIGN_IN: 'true', AWS_ENDPOINT_URL_QBUSINESS: 'http://127.0.0.1:8088', AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:8088' });
      assert.deepEqual(problems.map((problem) => problem.match(/but (\w+) is/)?.[1]), ['AAD_APP_OAUTH_AUTHORITY_HOST', 'AWS_ENDPOINT_URL_STS']);
      const local = 'http://127.0.0.1:8088';
      const config = loadConfig({ ...sso, DEV_LOCAL_SIGN_IN: 'true', AAD_APP_OAUTH_AUTHORITY_HOST: local, AWS_ENDPOINT_URL: local });
      assert.equal(config.sso?.devLocalSignIn, true);
    });
  });

  it('reads the tenant allowlist: the bot\'s own tenant by default for single-tenant bots, any tenant with *', () => {
    const tenant = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';
    const singleTenant = { ...minimal, BOT_ID: 'bot', BOT_PASSWORD: 'pw', BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: tenant };
    assert.deepEqual(loadConfig(singleTenant).allowedTenantIds, [tenant.toLowerCase()]);
    assert.equal(loadConfig({ ...singleTenant, ALLOWED_TENANT_IDS: '*' }).allowedTenantIds, undefined);
    assert.equal(loadConfig({ ...minimal, BOT_ID: 'bot', BOT_PASSWORD: 'pw' }).allowedTenantIds, undefined, 'multi-tenant: any');
    assert.deepEqual(loadConfig({ ...minimal, ALLOWED_TENANT_IDS: `${tenant}, 11111111-2222-4333-8444-555555555555` }).allowedTenantIds, [tenant.toLowerCase(), '11111111-2222-4333-8444-555555555555']);
    assert.match(problemsOf({ ...minimal, ALLOWED_TENANT_IDS: 'contoso.com' }).join('\n'), /ALLOWED_TENANT_IDS must be Entra tenant ids/);
  });

  it('passes botbuilder\'s authentication settings through by their own names, checked', () => {
    const config = loadConfig({ ...minimal, ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration', ValidateAuthority: 'false' });
    assert.deepEqual(config.botFramework, { ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration', ValidateAuthority: 'false' });
    assert.deepEqual(problemsOf({ ...minimal, ToChannelFromBotOAuthScope: 'not a url', ValidateAuthority: 'maybe' }).map((problem) => problem.split(' ')[0]), ['ToChannelFromBotOAuthScope', 'ValidateAuthority']);
  });

  describe('telemetry', () => {
    const connectionString = 'InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';

    it('is off unless Application Insights or an OTLP endpoint is configured, and off with OTEL_SDK_DISABLED', () => {
      assert.equal(loadConfig(minimal).telemetry, undefined);
      assert.equal(loadConfig({ ...minimal, OTEL_SERVICE_NAME: 'x' }).telemetry, undefined);
      assert.equal(loadConfig({ ...minimal, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString, OTEL_SDK_DISABLED: 'true' }).telemetry, undefined);
    });

    it('turns on per destination and reports the standard OTEL_* settings it leaves to the SDK, without header values', () => {
      const config = loadConfig({
        ...minimal,
        APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=secret-value',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.2',
        WEBSITE_INSTANCE_ID: 'abc123',
      });
      assert.deepEqual(config.telemetry, {
        azureMonitorConnectionString: connectionString,
        otlp: { protocol: 'http/protobuf' },
        metricExportIntervalMs: 60000,
        logExportLevel: 'warn',
        otelEnvironment: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS: '(set)', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.2' },
      });
      assert.equal(config.instance, 'abc123');
      assert.deepEqual(loadConfig({ ...minimal, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).telemetry?.otlp, { protocol: 'http/json' });
    });

    it('samples Application Insights traces like the Azure Monitor distro: 5 per second unless a sampler is chosen', () => {
      const withAzure = (extra: Record<string, string>) => loadConfig({ ...minimal, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString, ...extra }).telemetry?.azureSampler;
      assert.deepEqual(withAzure({}), { kind: 'rateLimited', tracesPerSecond: 5 });
      assert.deepEqual(withAzure({ OTEL_TRACES_SAMPLER: 'microsoft.rate_limited', OTEL_TRACES_SAMPLER_ARG: '20' }), { kind: 'rateLimited', tracesPerSecond: 20 });
      assert.deepEqual(withAzure({ OTEL_TRACES_SAMPLER: 'microsoft.fixed_percentage', OTEL_TRACES_SAMPLER_ARG: '0.25' }), { kind: 'fixedPercentage', ratio: 0.25 });
      assert.equal(withAzure({ OTEL_TRACES_SAMPLER: 'always_on' }), undefined, 'standard samplers are left to the SDK');
      assert.equal(loadConfig({ ...minimal, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).telemetry?.azureSampler, undefined, 'OTLP alone keeps the SDK default');
      assert.match(problemsOf({ ...minimal, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString, OTEL_TRACES_SAMPLER: 'microsoft.fixed_percentage', OTEL_TRACES_SAMPLER_ARG: '5' }).join(), /share of traces from 0 to 1/);
    });

    it('refuses gRPC, a connection string without a key and a too-short export interval', () => {
      const problems = problemsOf({ ...minimal, APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x/', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_METRIC_EXPORT_INTERVAL: '10' });
      assert.equal(problems.length, 3);
      assert.match(problems.join('\n'), /APPLICATIONINSIGHTS_CONNECTION_STRING has no InstrumentationKey/);
      assert.match(problems.join('\n'), /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/);
      assert.match(problems.join('\n'), /OTEL_METRIC_EXPORT_INTERVAL/);
    });
  });
});

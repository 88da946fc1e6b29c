/**
 * `npm run doctor` end to end: the doctor runs as a process against the local services' admin
 * data (AWS admin reads, Graph, ARM), once healthy, then with each piece an operator gets wrong
 * broken on purpose; every ✘ line must name the cause and the fix, and the exit code must say so.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BREAKS, breakPiece } from '../../localdev/admin/breaks';
import { doctorEnvironment, seedAdminData } from '../../localdev/admin/data';
import { LocalIam } from '../../localdev/identity/iam';
import { closedPort, doctorSuite, envFileText, PROJECT_ROOT, runDoctor, writesAmong, type DoctorRun } from '../helpers/doctorRun';

interface Misconfiguration {
  piece?: string;
  user?: string;
  /** The title the ✘ line starts with. */
  check: string;
  cause: RegExp;
  fix: RegExp;
}

// One per misconfiguration; values in the fixes are the sample organisation's (localdev/admin/data.ts).
const MISCONFIGURATIONS: Misconfiguration[] = [
  { piece: 'q-application-missing', check: 'Amazon Q Business application', cause: /no application 2a9e7c1d-\S+ in us-east-1 of account 111122223333/, fix: /aws qbusiness list-applications --region us-east-1 --profile q-admin/ },
  { piece: 'q-identity-type', check: 'Q application uses IAM Identity Center', cause: /identity type is AWS_IAM_IDP_OIDC, not AWS_IAM_IDC/, fix: /Access management method: AWS IAM Identity Center/ },
  { piece: 'idc-other-region', check: 'Identity Center instance', cause: /ssoins-7223a1b2c3d4e5f6 is not in us-east-1 .*another Region/, fix: /set AWS_IDC_REGION in \S+doctor\.env to the Region of instance ssoins-7223a1b2c3d4e5f6/ },
  { piece: 'idc-other-account', check: 'Identity Center instance', cause: /instance ssoins-7223a1b2c3d4e5f6 of account 444455556666, but profile q-admin reads account 111122223333.*another account/, fix: /AWS_PROFILE_IDENTITY_CENTER in \S+ to a profile of account 444455556666/ },
  { piece: 'issuer-v1', check: 'Trusted token issuer for the Entra tenant', cause: /no trusted token issuer of instance \S+ trusts https:\/\/login\.microsoftonline\.com\/5f1d3c2b-\S+\/v2\.0: EntraID-\S+ trusts https:\/\/sts\.windows\.net\/5f1d3c2b-\S+\/ \(the v1 issuer/, fix: /create-trusted-token-issuer --instance-arn arn:aws:sso:::instance\/ssoins-7223a1b2c3d4e5f6 .*IssuerUrl=https:\/\/login\.microsoftonline\.com\/5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e\/v2\.0,ClaimAttributePath=email/ },
  { piece: 'claim-mapping', check: 'Trusted token issuer claim mapping', cause: /maps upn → emails\.value, but people are matched by email → emails\.value/, fix: /update-trusted-token-issuer --trusted-token-issuer-arn \S+tti-5f1d3c2b-local .*ClaimAttributePath=email,IdentityStoreAttributePath=emails\.value/ },
  { piece: 'idc-application-missing', check: 'Identity Center application of the bot', cause: /has no application arn:aws:sso::111122223333:application\/ssoins-7223a1b2c3d4e5f6\/apl-0a1b2c3d4e5f6a7b/, fix: /teamsapp provision .*list-applications --instance-arn/ },
  { piece: 'jwt-grant-missing', check: 'jwt-bearer grant names the trusted token issuer', cause: /no jwt-bearer grant.*InvalidGrantException/, fix: /put-application-grant --application-arn \S+apl-0a1b2c3d4e5f6a7b --grant-type urn:ietf:params:oauth:grant-type:jwt-bearer .*tti-5f1d3c2b-local.*0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d/ },
  { piece: 'jwt-grant-issuer', check: 'jwt-bearer grant names the trusted token issuer', cause: /authorizes \S+tti-someone-else, not \S+tti-5f1d3c2b-local/, fix: /put-application-grant .*"TrustedTokenIssuerArn":"arn:aws:sso::111122223333:trustedTokenIssuer\/ssoins-7223a1b2c3d4e5f6\/tti-5f1d3c2b-local"/ },
  { piece: 'jwt-grant-audience', check: 'jwt-bearer grant audience is the SSO app', cause: /accepts audiences \["api:\/\/botid-\S+"\], not the SSO app's client id 0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d/, fix: /"AuthorizedAudiences":\["0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d"\]/ },
  { piece: 'refresh-grant', check: 'refresh_token grant', cause: /no refresh_token grant/, fix: /put-application-grant --application-arn \S+ --grant-type refresh_token --grant '\{"RefreshToken":\{\}\}' --region us-east-1 --profile q-admin/ },
  { piece: 'access-scopes', check: 'Q Business access scopes', cause: /missing qbusiness:messages:access/, fix: /put-application-access-scope --application-arn \S+ --scope qbusiness:messages:access/ },
  { piece: 'actor-policy', check: 'Only the bot may exchange tokens', cause: /names arn:aws:iam::111122223333:role\/SomeOtherRole, not arn:aws:iam::111122223333:role\/AmazonQBusinessTeamsBot-local/, fix: /put-application-authentication-method .*"AWS":"arn:aws:iam::111122223333:role\/AmazonQBusinessTeamsBot-local"/ },
  { piece: 'user-role-set-context', check: 'Q user role trusts the bot', cause: /for sts:AssumeRole but not sts:SetContext/, fix: /update-assume-role-policy --role-name QBusinessTeamsUserRole .*"sts:AssumeRole","sts:SetContext"/ },
  { piece: 'user-role-principal', check: 'Q user role trusts the bot', cause: /does not let \S+AmazonQBusinessTeamsBot-local sts:AssumeRole and sts:SetContext/, fix: /update-assume-role-policy --role-name QBusinessTeamsUserRole .*AmazonQBusinessTeamsBot-local/ },
  { piece: 'oidc-provider-v1', check: 'IAM OIDC provider for the managed identity', cause: /no IAM OIDC provider for https:\/\/login\.microsoftonline\.com\/a2a2a2a2-\S+\/v2\.0/, fix: /create-open-id-connect-provider --url https:\/\/login\.microsoftonline\.com\/\S+\/v2\.0 --client-id-list c1c1c1c1-d2d2-4e3e-8f4f-a5a5a5a5a5a5 fb60f99c-7a34-4190-8149-302f77469936/ },
  { piece: 'oidc-client-ids', check: 'IAM OIDC provider for the managed identity', cause: /missing c1c1c1c1-d2d2-4e3e-8f4f-a5a5a5a5a5a5, fb60f99c-7a34-4190-8149-302f77469936/, fix: /add-client-id-to-open-id-connect-provider .* --client-id c1c1c1c1-.* && .* --client-id fb60f99c-/ },
  { piece: 'bot-role-sub', check: 'Bot role web-identity trust', cause: /pins \S+:sub to 00000000-0000-4000-8000-000000000000, not the managed identity's principal id e7e7e7e7-f8f8-4a9a-8b0b-c1c1c1c1c1c1/, fix: /update-assume-role-policy --role-name AmazonQBusinessTeamsBot-local .*"login\.microsoftonline\.com\/a2a2a2a2-\S+\/v2\.0:sub":"e7e7e7e7-/ },
  // The six an independent check found passing as healthy (issue 25), and the simulator refusing.
  { piece: 'idc-application-disabled', check: 'Identity Center application is enabled', cause: /AmazonQBusinessTeams-local is DISABLED: Identity Center refuses every token exchange/, fix: /aws sso-admin update-application --application-arn arn:aws:sso::111122223333:application\/ssoins-7223a1b2c3d4e5f6\/apl-0a1b2c3d4e5f6a7b --status ENABLED --region us-east-1 --profile q-admin/ },
  { piece: 'idc-assignment-required', check: 'Identity Center application needs no assignment', cause: /requires assignments \(the API's default\).*refused for every person/, fix: /put-application-assignment-configuration --application-arn \S+apl-0a1b2c3d4e5f6a7b --no-assignment-required/ },
  { piece: 'user-role-no-chat', check: 'Q user role may chat on the Q application', cause: /QBusinessTeamsUserRole lacks qbusiness:ChatSync on arn:aws:qbusiness:us-east-1:111122223333:application\/2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45 \(not allowed\), qbusiness:Chat on \S+ \(not allowed\): every question is refused/, fix: /put-role-policy --role-name QBusinessTeamsUserRole --policy-name qbusiness-chat .*"qbusiness:Chat".*"Resource":"arn:aws:qbusiness:us-east-1:111122223333:application\/2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45"/ },
  { piece: 'user-role-other-application', check: 'Q user role may chat on the Q application', cause: /lacks qbusiness:ChatSync on arn:aws:qbusiness:us-east-1:111122223333:application\/2a9e7c1d-\S+ \(not allowed\).*qbusiness:DeleteConversation/, fix: /put-role-policy --role-name QBusinessTeamsUserRole .*application\/2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45"/ },
  { piece: 'bot-role-no-create-token', check: 'Bot role may exchange tokens and act as the Q user role', cause: /AmazonQBusinessTeamsBot-local lacks sso-oauth:CreateTokenWithIAM on arn:aws:sso::111122223333:application\/ssoins-7223a1b2c3d4e5f6\/apl-0a1b2c3d4e5f6a7b \(not allowed\): Identity Center refuses the bot's token exchange/, fix: /put-role-policy --role-name AmazonQBusinessTeamsBot-local --policy-name bot-access .*"Action":"sso-oauth:CreateTokenWithIAM","Resource":"arn:aws:sso::111122223333:application\/ssoins-7223a1b2c3d4e5f6\/apl-0a1b2c3d4e5f6a7b"/ },
  { piece: 'issuer-domain-beside-v1', check: 'Trusted token issuer for the Entra tenant', cause: /trusts https:\/\/login\.microsoftonline\.com\/contoso\.onmicrosoft\.com\/v2\.0 \(names contoso\.onmicrosoft\.com instead of the tenant id 5f1d3c2b-\S+: the tokens' iss always carries the tenant id, so it never matches\); EntraID-v1 trusts https:\/\/sts\.windows\.net\/5f1d3c2b-\S+\/ \(the v1 issuer/, fix: /create-trusted-token-issuer .*IssuerUrl=https:\/\/login\.microsoftonline\.com\/5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e\/v2\.0/ },
  { piece: 'entra-app-missing', check: 'SSO app registration, read through Microsoft Graph', cause: /no app registration with client id 0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d in the tenant your Azure CLI sign-in/, fix: /az login --tenant 5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e; otherwise run teamsapp provision/ },
  { piece: 'federated-credential-missing', check: 'Meeting recaps: SSO app trusts the bot managed identity', cause: /app 0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d has no federated credential for the managed identity e7e7e7e7-f8f8-4a9a-8b0b-c1c1c1c1c1c1 \(issuer https:\/\/login\.microsoftonline\.com\/a2a2a2a2-b3b3-4c4c-8d5d-e6e6e6e6e6e6\/v2\.0\)/, fix: /az ad app federated-credential create --id 0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d .*"audiences":\["api:\/\/AzureADTokenExchange"\]/ },
  { piece: 'entra-v1-tokens', check: 'v2 access tokens', cause: /requestedAccessTokenVersion is null.*sts\.windows\.net/, fix: /az ad app update --id 0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d --set api\.requestedAccessTokenVersion=2/ },
  { piece: 'entra-email-claim', check: 'email optional claim in access tokens', cause: /no email claim/, fix: /Token configuration → Add optional claim → Access → email/ },
  { piece: 'entra-identifier-uri', check: 'Identifier URI the bot names', cause: /not api:\/\/botid-c1c1c1c1-d2d2-4e3e-8f4f-a5a5a5a5a5a5/, fix: /Application ID URI = api:\/\/botid-c1c1c1c1-d2d2-4e3e-8f4f-a5a5a5a5a5a5/ },
  { piece: 'entra-preauthorized', check: 'Teams and Office clients pre-authorised', cause: /not pre-authorised: Teams web \(5e3ce6c0-2b1f-4285-8d4b-75ee78787346\)/, fix: /Add a client application → 5e3ce6c0-2b1f-4285-8d4b-75ee78787346 with scope access_as_user/ },
  { piece: 'bot-multi-tenant', check: 'Azure Bot registration type', cause: /qbotlocal is a MultiTenant registration.*2025-07-31/, fix: /delete qbotlocal .*UserAssignedMSI/ },
  { piece: 'bot-endpoint', check: 'Azure Bot messaging endpoint', cause: /sends messages to https:\/\/qbot-old\.azurewebsites\.net\/api\/messages, not http:\/\/127\.0\.0\.1:\d+\/_local\/bot\/api\/messages/, fix: /az bot update --resource-group rg-qbot-local --name qbotlocal --endpoint http:\/\/127\.0\.0\.1:\d+\/_local\/bot\/api\/messages/ },
  { piece: 'self-test', check: 'Start-up self-test', cause: /awsWebIdentity: AssumeRoleWithWebIdentity refused: InvalidIdentityToken/, fix: /restart the web app/ },
  { piece: 'user-no-mail', user: 'grace@example.com', check: 'Entra mail attribute', cause: /Grace Hopper has no mail attribute/, fix: /Properties → Contact information → Email/ },
  { piece: 'user-email-case', user: 'grace@example.com', check: 'Identity Center user with exactly that e-mail', cause: /has e-mail Grace@Example\.com, but Entra sends grace@example\.com: the match is case-sensitive/, fix: /exactly grace@example\.com: IAM Identity Center console → Users/ },
  { user: 'linus@example.com', check: 'Identity Center user with exactly that e-mail', cause: /identity store d-90670a1b2c has no user whose emails\.value is linus@example\.com/, fix: /Provision on demand.*Add user/ },
  { piece: 'user-not-subscribed', user: 'ada@example.com', check: 'Q Business subscription covers them', cause: /neither user 94682498-0001-7061-0000-00000000ada0 nor any of their 1 group\(s\) has a subscription/, fix: /aws qbusiness create-subscription --application-id 2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45 --principal user=94682498-0001-7061-0000-00000000ada0 --type Q_BUSINESS --region us-east-1 --profile q-admin/ },
];

function assertNoStack(run: DoctorRun): void {
  assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
}

describe('npm run doctor', function () {
  this.timeout(60_000);
  const suite = doctorSuite();

  it('passes every check of a correct deployment, reading only', async () => {
    const run = await runDoctor(suite.services, suite.folder, { args: ['--env-file', join(suite.folder, 'doctor.env'), '--user', 'ada@example.com'] });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(run.failures, []);
    assert.ok(run.lines.length >= 25, `${run.lines.length} checks`);
    assert.ok(run.lines.every((line) => line.startsWith('✔ ')), run.stdout);
    assert.match(run.stdout, /All \d+ checks passed/);
    assert.ok(suite.services.admin.served.length > 15);
    // The policy simulator evaluates and changes nothing (IAM lists it among its read actions).
    const writes = writesAmong(suite.services.admin.served);
    assert.ok(suite.services.admin.served.includes('iam SimulatePrincipalPolicy'), 'permission policies are read through the simulator');
    assert.deepEqual(writes, [], 'only reads reach the suite.services');
  });

  it('has a named breakage for each misconfiguration tested here', () => {
    for (const misconfiguration of MISCONFIGURATIONS) if (misconfiguration.piece) assert.ok(BREAKS[misconfiguration.piece], misconfiguration.piece);
    assert.ok(MISCONFIGURATIONS.length >= 15);
  });

  for (const { piece, user, check, cause, fix } of MISCONFIGURATIONS) {
    it(`${piece ?? 'as seeded'}${user ? ` (--user ${user})` : ''}: ✘ ${check}, with cause and fix`, async () => {
      if (piece) breakPiece(suite.services.admin, piece);
      const run = await runDoctor(suite.services, suite.folder, user ? { args: ['--env-file', join(suite.folder, 'doctor.env'), '--user', user] } : {});
      assert.notEqual(run.code, 0, 'exit code');
      const line = run.failures.find((candidate) => candidate.startsWith(`✘ ${check}`));
      assert.ok(line, `a ✘ line for "${check}" in:\n${run.stdout}`);
      const [causeText, fixText = ''] = line.split(' Fix: ');
      assert.match(causeText as string, cause);
      assert.match(fixText, fix);
      // The broken piece, not a cascade of unrelated ✘: everything depending on it is skipped (—).
      assert.equal(run.failures.length, 1, run.failures.join('\n'));
      assertNoStack(run);
    });
  }

  it('finds Identity Center in another account and another Region with its own profile', async () => {
    suite.services.resetAdmin({ idcAccountId: '444455556666', idcRegion: 'eu-west-1' });
    const run = await runDoctor(suite.services, suite.folder, { env: { AWS_PROFILE_IDENTITY_CENTER: 'idc-admin', AWS_IDC_REGION: 'eu-west-1' }, args: ['--env-file', join(suite.folder, 'doctor.env'), '--user', 'ada@example.com'] });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /✔ AWS access, Identity Center account: account 444455556666 .*\(profile idc-admin, eu-west-1\)/);
    assert.match(run.stdout, /✔ Identity Center instance: arn:aws:sso:::instance\/ssoins-7223a1b2c3d4e5f6 \(account 444455556666, eu-west-1/);
    assert.match(run.stdout, /✔ Identity Center user with exactly that e-mail: ada@example\.com/);
  });

  it('says which profile and Region to set when Identity Center is elsewhere but the env file does not say so', async () => {
    suite.services.resetAdmin({ idcAccountId: '444455556666', idcRegion: 'eu-west-1' });
    const run = await runDoctor(suite.services, suite.folder, { env: { AWS_PROFILE_IDENTITY_CENTER: 'idc-admin', AWS_IDC_REGION: 'us-east-1' } });
    assert.notEqual(run.code, 0);
    const line = run.failures.find((candidate) => candidate.startsWith('✘ Identity Center instance'));
    assert.match(line ?? '', /not in us-east-1 for account 444455556666 .*another Region. Fix: set AWS_IDC_REGION/);
  });

  it('falls back to aad.manifest.json when Graph cannot be reached, and says so on every line', async () => {
    const port = await closedPort();
    const run = await runDoctor(suite.services, suite.folder, { env: { DOCTOR_GRAPH_URL: `http://127.0.0.1:${port}/graph` }, args: ['--env-file', join(suite.folder, 'doctor.env'), '--project', PROJECT_ROOT] });
    assert.notEqual(run.code, 0);
    assert.match(run.stdout, /✘ SSO app registration, read through Microsoft Graph: Microsoft Graph could not be read \(http:\/\/127\.0\.0\.1:\d+\/graph could not be reached \(ECONNREFUSED\)\); the lines below come from aad\.manifest\.json on disk, not from Entra\. Fix: sign in .*az login --tenant 5f1d3c2b-/);
    for (const title of ['v2 access tokens', 'email optional claim in access tokens', 'Identifier URI the bot names', 'Teams and Office clients pre-authorised for access_as_user']) {
      assert.match(run.stdout, new RegExp(`✔ ${title} \\(aad\\.manifest\\.json, not live\\): `), title);
    }
    assertNoStack(run);
  });

  it('gives a clear ✘ without a stack when AWS cannot be reached, and skips what depends on it', async () => {
    const port = await closedPort();
    const run = await runDoctor(suite.services, suite.folder, { processEnv: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` } });
    assert.notEqual(run.code, 0);
    assert.match(run.stdout, /✘ AWS access, Q Business account: AWS could not be reached to identify the caller \(connect ECONNREFUSED 127\.0\.0\.1:\d+\) Fix: check the network path to AWS/);
    assert.match(run.stdout, /— Amazon Q Business application: no AWS access to the Q Business account \(see above\)/);
    assert.equal(run.failures.length, 2, run.failures.join('\n'));
    assertNoStack(run);
  });

  it('reads --env like the toolkit (env/.env.<env> then .user) and never prints a secret', async () => {
    const project = join(suite.folder, 'project');
    mkdirSync(join(project, 'env'), { recursive: true });
    const values: Record<string, string> = { ...doctorEnvironment(suite.services.admin, { graphUrl: `${suite.services.url}/graph`, armUrl: `${suite.services.url}/arm` }), AWS_PROFILE_QBUSINESS: 'q-admin', AWS_PROFILE_IDENTITY_CENTER: 'q-admin' };
    writeFileSync(join(project, 'env', '.env.staging'), envFileText({ ...values, AAD_APP_CLIENT_ID: '' }));
    // The .user file completes it, and holds secrets the doctor must never echo.
    writeFileSync(join(project, 'env', '.env.staging.user'), envFileText({ AAD_APP_CLIENT_ID: values.AAD_APP_CLIENT_ID ?? '', SECRET_TOKEN_STORE_KEY: 'c2VjcmV0LXRva2VuLXN0b3JlLWtleS1uZXZlci1wcmludA==', BOT_PASSWORD: 'never-print-this-password' }));
    const run = await runDoctor(suite.services, suite.folder, { args: ['--env', 'staging', '--project', project, '--json'] });
    assert.equal(run.code, 0, run.stdout);
    const report = JSON.parse(run.stdout) as { ok: boolean; environment: string; checks: Array<{ id: string; status: string; fix?: string }> };
    assert.equal(report.ok, true);
    assert.equal(report.environment, 'staging');
    assert.ok(report.checks.some((check) => check.id === 'idc.jwt-bearer-audience' && check.status === 'ok'));
    assert.doesNotMatch(run.stdout + run.stderr, /c2VjcmV0|never-print-this-password|local-q-admin-not-a-secret|local-az-token/);
  });

  it('--json lists each broken check with its id, cause and fix', async () => {
    breakPiece(suite.services.admin, 'refresh-grant');
    const run = await runDoctor(suite.services, suite.folder, { args: ['--env-file', join(suite.folder, 'doctor.env'), '--json'] });
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ id: string; status: string; detail: string; fix?: string }> };
    assert.equal(report.ok, false);
    const broken = report.checks.filter((check) => check.status === 'failed');
    assert.deepEqual(broken.map((check) => check.id), ['idc.refresh-grant']);
    assert.match(broken[0]?.fix ?? '', /--grant-type refresh_token/);
  });

  it('the policy simulator refused (AccessDenied): one clear ✘ line per role, no crash, the other checks still run', async () => {
    breakPiece(suite.services.admin, 'simulator-denied');
    const run = await runDoctor(suite.services, suite.folder);
    assert.equal(run.code, 1);
    assert.deepEqual(run.failures.map((line) => line.split(':')[0]), ['✘ Bot role may exchange tokens and act as the Q user role', '✘ Q user role may chat on the Q application']);
    for (const line of run.failures) assert.match(line, /the policy simulator refused: profile q-admin may not simulate the permissions of \S+ \(iam:SimulatePrincipalPolicy\): User: arn:aws:iam::111122223333:user\/q-admin is not authorized .* Fix: allow iam:SimulatePrincipalPolicy for profile q-admin/);
    assert.match(run.stdout, /✔ Identity Center application is enabled/);
    assertNoStack(run);
  });

  it('in App Service (WEBSITE_INSTANCE_ID), a refused policy simulator is a — line, not a ✘: the bot role may not simulate, on purpose', async () => {
    breakPiece(suite.services.admin, 'simulator-denied');
    const run = await runDoctor(suite.services, suite.folder, { processEnv: { WEBSITE_INSTANCE_ID: 'instance-0' } });
    const simulated = run.lines.filter((line) => /^. (Bot role may exchange tokens|Q user role may chat)/.test(line));
    assert.equal(simulated.length, 2, run.stdout);
    for (const line of simulated) assert.match(line, /^— .*not checked in App Service: the doctor runs there as the bot's role, which may not use IAM's policy simulator.*Run npm run doctor -- --env dev from a machine with an administrator's AWS profile/);
    assert.ok(!run.failures.some((line) => /Bot role may exchange|Q user role may chat/.test(line)), 'neither is a failure');
    assertNoStack(run);
  });

  it('refuses bad arguments with a usage line and exit code 2', async () => {
    const run = await runDoctor(suite.services, suite.folder, { args: ['--user', 'not-an-address'] });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--user needs an e-mail address, got "not-an-address"\.\nusage: npm run doctor/);
    assertNoStack(run);
  });

  it('the playground env file matches the local suite.services\' sample organisation', () => {
    const committed = readFileSync(join(PROJECT_ROOT, 'localdev/admin/doctor.env'), 'utf8');
    const url = 'http://127.0.0.1:8088';
    const expected = doctorEnvironment(seedAdminData(`${url}/_local/bot`, { iam: new LocalIam(), managedIdentityKeys: { keys: [] } }), { graphUrl: `${url}/graph`, armUrl: `${url}/arm` });
    for (const [name, value] of Object.entries(expected)) assert.match(committed, new RegExp(`^${name}=${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'), name);
  });
});

/**
 * Check group: the Azure side of the bot — its Azure Bot registration (type and messaging
 * endpoint) read from Azure Resource Manager, and the start-up self-test the running bot reports
 * on /readyz. ARM, not Graph: Microsoft Graph has no API for Azure Bot Service resources; the
 * type and endpoint exist only on the Microsoft.BotService/botServices resource.
 */
import type { AzureReadFailure } from './azureAccess';
import { oneLine } from './awsAccess';
import { envFileName, type DoctorContext } from './context';
import { failed, ok, skipped, type CheckLine } from './report';

const TYPE = ['azure.bot-type', 'Azure Bot registration type'] as const;
const ENDPOINT = ['azure.messaging-endpoint', 'Azure Bot messaging endpoint'] as const;
const SELF_TEST = ['azure.self-test', 'Start-up self-test (managed identity → AWS)'] as const;
const API_VERSION = '2022-09-15';

interface BotResource {
  properties?: { msaAppType?: string; endpoint?: string; msaAppId?: string };
}

export async function checkAzureBot(ctx: DoctorContext): Promise<CheckLine[]> {
  const { config } = ctx;
  if (!config.azure) {
    const why = `AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP_NAME and RESOURCE_SUFFIX are not all set (not an Azure environment)`;
    return [skipped(...TYPE, why), skipped(...ENDPOINT, why), ...(await checkSelfTest(ctx))];
  }
  const { subscriptionId, resourceGroup, botResourceName } = config.azure;
  const path = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.BotService/botServices/${botResourceName}?api-version=${API_VERSION}`;
  const portal = `Azure portal → resource group ${resourceGroup} → ${botResourceName}`;
  const lines: CheckLine[] = [];
  let bot: BotResource;
  try {
    bot = (await ctx.azure.get('arm', path)) as BotResource;
  } catch (error) {
    const failure = error as AzureReadFailure;
    const line =
      failure.kind === 'notFound'
        ? failed(...TYPE, `no Azure Bot ${botResourceName} in resource group ${resourceGroup} (${failure.message}).`, `run teamsapp provision --env ${ctx.envName ?? 'dev'} to create it, or set DOCTOR_BOT_RESOURCE_NAME in ${envFileName(ctx)} to its name.`)
        : failed(...TYPE, `the Azure Bot could not be read with ${ctx.azure.how} (${failure.message}).`, failure.kind === 'permission' ? `give ${ctx.azure.how} the Reader role on resource group ${resourceGroup}.` : `sign in (az login) and make sure ${config.armUrl} is reachable, then run again.`);
    return [line, skipped(...ENDPOINT, 'the Azure Bot could not be read'), ...(await checkSelfTest(ctx))];
  }
  const type = bot.properties?.msaAppType ?? 'unknown';
  if (type === 'MultiTenant') {
    lines.push(failed(...TYPE, `${botResourceName} is a MultiTenant registration: Azure stopped creating multi-tenant bots on 2025-07-31 and this bot authenticates as UserAssignedMSI.`, `delete ${botResourceName} (${portal} → Delete) and run teamsapp provision --env ${ctx.envName ?? 'dev'}, which creates it as UserAssignedMSI (infra/botRegistration/azurebot.bicep).`));
  } else if (config.botId && bot.properties?.msaAppId && bot.properties.msaAppId !== config.botId) {
    lines.push(failed(...TYPE, `${botResourceName} is registered for app id ${bot.properties.msaAppId}, but the bot runs as BOT_ID ${config.botId}: Bot Framework tokens will not match.`, `run teamsapp provision --env ${ctx.envName ?? 'dev'} so the registration and the web app use the same managed identity.`));
  } else {
    lines.push(ok(...TYPE, `${type} (app id ${bot.properties?.msaAppId ?? 'unknown'})`));
  }
  const wanted = config.botEndpoint ? `${config.botEndpoint}/api/messages` : undefined;
  const actual = bot.properties?.endpoint;
  if (!wanted) lines.push(skipped(...ENDPOINT, `BOT_ENDPOINT is not set; the registration points at ${actual ?? 'nothing'}`));
  else if (actual !== wanted) lines.push(failed(...ENDPOINT, `the registration sends messages to ${actual ?? 'nothing'}, not ${wanted}: Teams messages never reach this bot.`, `az bot update --resource-group ${resourceGroup} --name ${botResourceName} --endpoint ${wanted} (or ${portal} → Configuration → Messaging endpoint)`));
  else lines.push(ok(...ENDPOINT, wanted));
  lines.push(...(await checkSelfTest(ctx)));
  return lines;
}

/** What the running bot found when it first got its AWS credentials (reported on /readyz). */
async function checkSelfTest(ctx: DoctorContext): Promise<CheckLine[]> {
  const { config } = ctx;
  if (!config.botRoleArn) return [];
  if (!config.botEndpoint) return [skipped(...SELF_TEST, 'BOT_ENDPOINT is not set')];
  let report: { ready?: boolean; checks?: Record<string, string> };
  try {
    const response = await fetch(`${config.botEndpoint}/readyz`, { signal: AbortSignal.timeout(10_000) });
    report = (await response.json()) as typeof report;
  } catch (error) {
    return [skipped(...SELF_TEST, `${config.botEndpoint}/readyz did not answer (${oneLine((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name)}): is the bot deployed and running?`)];
  }
  const entry = Object.entries(report.checks ?? {}).find(([name]) => /self-?test|web-?identity|managed-?identity/i.test(name));
  if (!entry) return [skipped(...SELF_TEST, 'this bot build reports no start-up self-test on /readyz')];
  const [name, result] = entry;
  if (result === 'ok') return [ok(...SELF_TEST, `${name}: ok (the managed identity got AWS credentials)`)];
  // Just after a start the self-test may still be running: not a verdict yet.
  if (/not started|pending/i.test(result)) return [skipped(...SELF_TEST, `${name}: ${oneLine(result)}; run the doctor again in a minute`)];
  return [failed(...SELF_TEST, `${name}: ${oneLine(result)}`, 'fix the IAM OIDC provider and bot role trust lines above, then restart the web app (az webapp restart) so the self-test runs again.')];
}

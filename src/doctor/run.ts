/**
 * One doctor run: the options, the settings (the toolkit's env files like the toolkit reads them —
 * env/.env.<env> then its .user file — or, in the App Service console, the app settings), every
 * check group in order, and the report with its exit code (0 only when nothing is broken).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { processEnvironment } from '../config';
import { loadDoctorConfig } from './settings';
import { idcAccount, qAccount } from './awsAccess';
import { checkAwsAccounts } from './awsAccounts';
import { azureReader } from './azureAccess';
import { checkAzureBot } from './azureBot';
import type { DoctorContext } from './context';
import { checkEntraApp } from './entraApp';
import { checkIamRoles } from './iamRoles';
import { checkIdentityCenter } from './identityCenter';
import { checkMeetingRecaps } from './meetingRecaps';
import { checkPermissions } from './permissions';
import { checkPerson } from './person';
import { checkKnowledgeScopes } from './knowledgeScopes';
import { checkQApplication } from './qApplication';
import { exitCode, formatReport, type CheckLine } from './report';

export class UsageError extends Error {
  readonly kind = 'usage';
}

interface Options {
  envName?: string;
  json: boolean;
  user?: string;
  projectRoot: string;
  /** Instead of env/.env.<env>: one env file (the local services' sample, a pipeline's). */
  envFile?: string;
}

function parseOptions(argv: string[]): Options {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { env: { type: 'string' }, json: { type: 'boolean', default: false }, user: { type: 'string' }, project: { type: 'string' }, 'env-file': { type: 'string' }, help: { type: 'boolean', default: false } },
    });
    if (values.help) throw new UsageError('');
    if (values.user !== undefined && !/^[^\s@]+@[^\s@]+$/.test(values.user)) throw new UsageError(`--user needs an e-mail address, got "${values.user}".`);
    if (values.env !== undefined && !/^[\w.-]+$/.test(values.env)) throw new UsageError(`--env needs an environment name such as dev, got "${values.env}".`);
    if (values.env && values['env-file']) throw new UsageError('--env and --env-file exclude each other.');
    return {
      json: values.json ?? false,
      projectRoot: resolve(values.project ?? process.cwd()),
      ...(values.env ? { envName: values.env } : {}),
      ...(values['env-file'] ? { envFile: resolve(values['env-file']) } : {}),
      ...(values.user ? { user: values.user } : {}),
    };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

/** env/.env.<env> then env/.env.<env>.user, as the toolkit layers them. */
function readEnvFiles(options: Options): Record<string, string> {
  if (options.envFile) {
    if (!existsSync(options.envFile)) throw new UsageError(`${options.envFile} does not exist.`);
    return parseEnv(readFileSync(options.envFile, 'utf8')) as Record<string, string>;
  }
  if (!options.envName) return {};
  const main = join(options.projectRoot, 'env', `.env.${options.envName}`);
  if (!existsSync(main)) throw new UsageError(`${main} does not exist: pick an environment that has an env file (e.g. --env dev), or run in the App Service console without --env.`);
  const values: Record<string, string> = {};
  for (const file of [main, `${main}.user`]) {
    if (existsSync(file)) Object.assign(values, parseEnv(readFileSync(file, 'utf8')) as Record<string, string>);
  }
  return values;
}

export async function runDoctor(argv: string[]): Promise<{ code: number; output: string }> {
  const options = parseOptions(argv);
  const config = loadDoctorConfig(readEnvFiles(options), processEnvironment());
  const ctx: DoctorContext = { config, q: qAccount(config), idc: idcAccount(config), azure: azureReader(config), projectRoot: options.projectRoot, findings: {}, ...(options.envName ? { envName: options.envName } : {}), ...(options.envFile ? { envFile: options.envFile } : {}) };
  // Order matters: later groups build on what earlier ones found (accounts, instance, issuer).
  const aws: CheckLine[] = [...(await checkAwsAccounts(ctx)), ...(await checkQApplication(ctx)), ...(await checkKnowledgeScopes(ctx)), ...(await checkIdentityCenter(ctx)), ...(await checkIamRoles(ctx)), ...(await checkPermissions(ctx))];
  const microsoft: CheckLine[] = [...(await checkEntraApp(ctx)), ...(await checkAzureBot(ctx)), ...(await checkMeetingRecaps(ctx))];
  const person: CheckLine[] = options.user ? await checkPerson(ctx, options.user) : [];
  const all = [...aws, ...microsoft, ...person];
  const code = exitCode(all);
  if (options.json) return { code, output: `${JSON.stringify({ ok: code === 0, environment: options.envName ?? null, checks: all }, null, 2)}\n` };
  const sections = [
    { heading: `AWS (Q Business: ${ctx.q.via}, ${config.qRegion}; Identity Center: ${ctx.idc.via}, ${config.idcRegion})`, lines: aws },
    { heading: `Microsoft (${ctx.azure.how})`, lines: microsoft },
    { heading: `Person ${options.user ?? ''}`, lines: person },
  ];
  return { code, output: formatReport(sections) };
}

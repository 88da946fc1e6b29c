#!/usr/bin/env node
/**
 * `npm run playground`: the whole product on this machine with no cloud account.
 *   1. installs dependencies when they are missing (npm ci) and builds (tsc);
 *   2. starts the local AWS-compatible services (localdev: Amazon Q Business, IAM Identity
 *      Center, STS, and an Entra-like token issuer) on --q-port;
 *   3. starts the bot exactly as `npm start` runs it, pointed at those services through the AWS
 *      SDK's own AWS_ENDPOINT_URL_* variables, with per-user sign-in on: the playground has no
 *      SSO, so the development-only DEV_LOCAL_SIGN_IN signs its current user in through the
 *      local issuer, and every Q call is made as that person;
 *   4. starts the Microsoft 365 Agents Playground (a Teams-like web client) on --playground-port.
 * With --durable the bot keeps its state in Azurite (Microsoft's Azure Storage emulator, from
 * node_modules) under .playground-state/, as it does in Azure Blob Storage in production: type
 * `r` and Enter to restart the bot and see the conversation, and the votes on old cards, carry on.
 * With --hostile the local Q also answers "hostile <name>" with documents shaped by an attacker
 * (ask "hostile list"), to see how the bot shows untrusted titles, links and snippets.
 * Ctrl+C, or SIGINT/SIGTERM to the npm process (as an IDE or a process manager sends it), stops
 * everything; when this script itself is killed (SIGKILL), each server notices its parent is gone
 * and stops itself (./exit-with-parent.js, preloaded into each). The bot's JSON log lines are shown as short readable lines (--raw-logs: as they are).
 * Plain Node on purpose: it must run before `npm ci` has.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const root = join(__dirname, '..');
const { values: options } = parseArgs({
  options: {
    'bot-port': { type: 'string', default: '3978' },
    'q-port': { type: 'string', default: '8088' },
    'playground-port': { type: 'string', default: '56150' },
    'skip-install': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'raw-logs': { type: 'boolean', default: false },
    durable: { type: 'boolean', default: false },
    hostile: { type: 'boolean', default: false },
    'azurite-port': { type: 'string', default: '10000' },
  },
});
const LOCAL_APPLICATION_ID = '2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45';
// The sample tenant of localdev/directory.ts (also .m365agentsplayground.yml).
const LOCAL_SSO = {
  AAD_APP_CLIENT_ID: '0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d',
  AAD_APP_TENANT_ID: '5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e',
  IDC_APPLICATION_ARN: 'arn:aws:sso::111122223333:application/ssoins-7223a1b2c3d4e5f6/apl-0a1b2c3d4e5f6a7b',
  Q_USER_ROLE_ARN: 'arn:aws:iam::111122223333:role/QBusinessTeamsUserRole',
  SSO_RESOURCE_URI: 'api://botid-local-playground',
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const children = [];

function run(title, command, args, extraEnv = {}) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

function dependenciesMissing() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A JSON log line as `level: message (kind, error)`; anything else as it is. */
function readable(line) {
  if (options['raw-logs'] || !line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line);
    const label = (LEVELS[entry.level] ?? 'log').padEnd(5);
    const error = entry.error ?? entry.err;
    const detail = [entry.kind, error && `${error.name ?? 'Error'}: ${error.message ?? ''}`].filter(Boolean).join(', ');
    return `${label} ${entry.msg ?? ''}${detail ? ` (${detail})` : ''}`;
  } catch {
    return line;
  }
}

/** Preloaded into every server (all are Node scripts): it stops when this script is gone, even killed. */
const EXIT_WITH_PARENT = ['--require', join(__dirname, 'exit-with-parent.js')];

let restarting = false;
function start(name, command, args, env) {
  const child = spawn(command, command === process.execPath ? [...EXIT_WITH_PARENT, ...args] : args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) =>
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(`[${name}] ${readable(line)}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code) => {
    if (!stopping && !restarting) {
      console.error(`✖ ${name} stopped (exit ${code}); stopping the playground.`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(name, url) {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.error(`✖ ${name} did not come up at ${url}`);
  stop(1);
}

let stopping = false;
/** SIGTERM to every server, then exit once they are gone (SIGKILL to any still there after 10 s). */
function stop(code) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const gone = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 10_000);
  Promise.all(gone).then(() => {
    clearTimeout(deadline);
    console.log('✔ Stopped the local services, the bot and the playground.');
    process.exit(code);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));
// npm passes SIGINT/SIGTERM on to the shell that runs this script, and Debian's shell (dash) dies
// without passing them on: this process is then orphaned (its parent changes). Stop with it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop(0);
}, 250).unref();

async function main() {
  if (!options['skip-install'] && dependenciesMissing()) {
    // botbuilder's install runs npx; without "yes" it waits for a prompt nobody answers.
    run('Installing dependencies (npm ci)', npm, ['ci'], { npm_config_yes: 'true' });
  }
  if (!options['skip-build']) run('Building (tsc)', npm, ['run', 'build', '--silent']);

  const qUrl = `http://127.0.0.1:${options['q-port']}`;
  const botUrl = `http://127.0.0.1:${options['bot-port']}`;
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1' };

  start('local-aws', process.execPath, ['lib/localdev/main.js', '--port', options['q-port'], ...(options.hostile ? ['--hostile-documents'] : [])], baseEnv);
  await waitFor('local AWS services', `${qUrl}/_local/health`);

  let stateEnv = {};
  if (options.durable) stateEnv = await startAzurite(baseEnv);

  const botEnv = {
    ...baseEnv,
    ...stateEnv,
    PORT: options['bot-port'],
    LOG_LEVEL: 'info',
    AMAZON_Q_APP_ID: LOCAL_APPLICATION_ID,
    AMAZON_Q_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_QBUSINESS: qUrl,
    AWS_ENDPOINT_URL_SSO_OIDC: qUrl,
    AWS_ENDPOINT_URL_STS: qUrl,
    AAD_APP_OAUTH_AUTHORITY_HOST: qUrl,
    ...LOCAL_SSO,
    DEV_LOCAL_SIGN_IN: 'true',
    // The team's General channel searches only the HR and finance documents, which everyone there may
    // see (the local Q honours attributeFilter); the group chat shows private answers.
    KNOWLEDGE_SCOPES_FILE: join(root, 'localdev/playground/knowledge-scopes.json'),
    // A fresh key per run (stored sign-ins do not outlive the playground), kept with the state when durable.
    TOKEN_STORE_KEY: options.durable ? durableKey() : require('node:crypto').randomBytes(32).toString('base64'),
    // The bot's own throwaway identity towards the local Identity Center and STS.
    AWS_ACCESS_KEY_ID: 'AKIALOCALPLAYGROUND1',
    AWS_SECRET_ACCESS_KEY: 'local-playground-not-a-secret',
  };
  let bot = start('bot', process.execPath, ['lib/src/index.js'], botEnv);
  await waitFor('bot', `${botUrl}/healthz`);
  if (options.durable) {
    // `r` + Enter: a new bot process on the same state, as after a restart or a scale-out.
    require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
      if (line.trim() !== 'r' || restarting) return;
      restarting = true;
      console.log('↻ Restarting the bot (state stays in Azurite)…');
      const exited = new Promise((resolve) => bot.once('exit', resolve));
      bot.kill('SIGTERM');
      await exited;
      bot = start('bot', process.execPath, ['lib/src/index.js'], botEnv);
      await waitFor('bot', `${botUrl}/healthz`);
      restarting = false;
      console.log('✔ Bot restarted: ask a follow-up, or vote on an earlier answer.');
    });
  }

  start('playground', process.execPath, [
    join(root, 'node_modules/@microsoft/m365agentsplayground/cli.js'), 'start',
    '--app-endpoint', `${botUrl}/api/messages`,
    '--channel-id', 'msteams',
    '--port', options['playground-port'],
    '--disable-telemetry',
  ], { ...baseEnv, TEAMSAPPTESTER_BROWSER: 'none' });
  await waitFor('Agents Playground', `http://127.0.0.1:${options['playground-port']}`);

  console.log(`
✔ Everything is running.
   Open  http://localhost:${options['playground-port']}  and ask: How do I reset my VPN token?
   Bot:                 ${botUrl}/api/messages
   Local AWS services:  ${qUrl}  (recorded feedback: ${qUrl}/_local/feedback)
${peopleNote()}${options.durable ? `
   State:               Azurite (127.0.0.1:${options['azurite-port']}, folder .playground-state/). Type r + Enter to restart the bot.` : ''}
   The bot's two warnings above are expected here: the playground sends unauthenticated traffic
   (no BOT_ID) and has no Teams SSO (DEV_LOCAL_SIGN_IN signs its people in through the local issuer).
   Press Ctrl+C to stop.
`);
}

/**
 * Who the playground can sign in: the sample people of localdev/directory.ts. The playground's
 * configuration names who you are; anyone else (a user added there) gets the card a person
 * missing from IAM Identity Center gets.
 */
function peopleNote() {
  const { SAMPLE_PEOPLE } = require(join(root, 'lib/localdev/directory.js'));
  const config = require('yaml').parse(require('node:fs').readFileSync(join(root, '.m365agentsplayground.yml'), 'utf8'));
  const configured = [config.currentUser, ...(config.users ?? [])].filter(Boolean);
  const known = (person) => SAMPLE_PEOPLE.find((sample) => sample.aadObjectId === person.aadObjectId);
  const you = config.currentUser ?? {};
  const inIdc = SAMPLE_PEOPLE.filter((person) => person.idcUserId).map((person) => person.name);
  const entraOnly = SAMPLE_PEOPLE.filter((person) => !person.idcUserId).map((person) => person.name);
  const strangers = configured.filter((person) => !known(person)).map((person) => person.name ?? person.id);
  return [
    `   You are ${you.name} (.m365agentsplayground.yml), signed in through the local issuer.`,
    `   Sample people: ${inIdc.join(', ')} (in the local IAM Identity Center);`,
    `   ${entraOnly.join(', ')} is in Entra only and gets the "account isn't set up" card, as does anyone else.`,
    ...(strangers.length ? [`   Not sample people (they get that card too): ${strangers.join(', ')}.`] : []),
  ].join('\n');
}

const STATE_FOLDER = join(root, '.playground-state');

/** Azurite on --azurite-port with its data in .playground-state/: the bot's state survives restarts. */
async function startAzurite(baseEnv) {
  require('node:fs').mkdirSync(STATE_FOLDER, { recursive: true });
  const port = options['azurite-port'];
  start('azurite', process.execPath, [
    join(root, 'node_modules/azurite/dist/src/blob/main.js'),
    '--blobHost', '127.0.0.1', '--blobPort', port,
    '--location', join(STATE_FOLDER, 'azurite'),
    '--skipApiVersionCheck', '--loose', '--disableTelemetry', '--silent',
  ], baseEnv);
  await waitForPort('Azurite', Number(port));
  // Azurite's published development account: not a secret.
  const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
  return {
    AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
    BOT_STATE_BLOB_CONTAINER: 'playground-state',
  };
}

/** The token-store key of the durable playground, made once and kept beside its state. */
function durableKey() {
  const fs = require('node:fs');
  const file = join(STATE_FOLDER, 'token-store.key');
  if (!fs.existsSync(file)) fs.writeFileSync(file, require('node:crypto').randomBytes(32).toString('base64'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

async function waitForPort(name, port) {
  const net = require('node:net');
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.error(`✖ ${name} did not come up on port ${port}`);
  stop(1);
}

main().catch((error) => {
  console.error(error);
  stop(1);
});

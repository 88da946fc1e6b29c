/**
 * The end-to-end suites' shared set-up: `npm run playground`'s own script on free ports (local Q,
 * the bot, the Agents Playground), opened in headless Debian Chromium through playwright-core.
 * CI installs Chromium and sets REQUIRE_E2E, so there a missing browser fails; elsewhere it skips.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from './botProcess';

const ROOT = resolve(__dirname, '../../..');
/** Where the suites put their screenshots (the README's come from here). */
export const RESULTS = resolve(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function skipWithoutChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.REQUIRE_E2E) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
  console.warn(`      (skipped: no Chromium at ${CHROMIUM}; install it with apt-get install chromium, or set CHROMIUM_PATH)`);
  context.skip();
}

export interface PlaygroundInBrowser {
  page: Page;
  /** The local Q service (its /_local/ routes show what Q received). */
  qUrl: string;
  /** What the playground script printed so far. */
  output(): string;
  close(): Promise<void>;
}

/** With `copilot`, the script's --copilot: the playground's 1:1 chat reaches the bot as Microsoft 365 Copilot Chat. */
export async function openPlayground(options: { viewport: { width: number; height: number }; startTimeoutMs: number; copilot?: boolean }): Promise<PlaygroundInBrowser> {
  const [botPort, qPort, playgroundPort] = [await freePort(), await freePort(), await freePort()];
  const copilot = options.copilot ? ['--copilot', '--relay-port', String(await freePort())] : [];
  const playground = spawn(process.execPath, ['scripts/playground.js', '--skip-install', '--bot-port', String(botPort), '--q-port', String(qPort), '--playground-port', String(playgroundPort), ...copilot], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  playground.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  playground.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    if (playground.exitCode === null) {
      playground.kill('SIGTERM');
      await new Promise((done) => playground.once('exit', done));
    }
  };
  try {
    const deadline = Date.now() + options.startTimeoutMs;
    while (!output.includes('Everything is running')) {
      if (Date.now() > deadline || playground.exitCode !== null) throw new Error(`playground did not start:\n${output}`);
      await new Promise((done) => setTimeout(done, 250));
    }
    mkdirSync(RESULTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: options.viewport });
    // The playground page asks a CDN for fonts; this machine has no internet, so only loopback may load.
    await page.route('**/*', (route) => (['localhost', '127.0.0.1'].includes(new URL(route.request().url()).hostname) ? route.continue() : route.abort()));
    await page.goto(`http://localhost:${playgroundPort}`);
    return { page, qUrl: `http://127.0.0.1:${qPort}`, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}

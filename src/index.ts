/** `npm start`: configuration from the environment, then the bot. */
import './compileCache';
// Before anything else loads: dependencies warn as they load (see nodeWarnings.ts).
import './nodeWarnings';
import { ConfigError, loadConfig } from './config';
import { installProcessGuards } from './processGuards';
import { startBot } from './startBot';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const bot = await startBot(config);
  installProcessGuards(bot.logger);
  const stop = (signal: NodeJS.Signals): void => {
    bot.logger.info({ event: 'shutdown', signal }, 'stopping: finishing open requests');
    // App Service sends SIGKILL some seconds after SIGTERM: never hang past our own deadline.
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    void bot.close().then(() => {
      bot.logger.info({ event: 'shutdown', signal }, 'stopped');
      // No process.exit: with nothing left open, Node exits once pino's asynchronous writes are done.
      process.exitCode = 0;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();

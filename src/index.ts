/** `npm start`: configuration from the environment, then the bot. */
import { ConfigError, loadConfig } from './config';
import { installProcessGuards } from './processGuards';
import { startBot } from './startBot';

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
  const stop = (): void => {
    void bot.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();

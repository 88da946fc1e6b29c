/**
 * For the bot process (`npm start`): nothing a request triggers may end the process or write a
 * raw, multi-line stack. Uncaught errors and unhandled rejections become one JSON log line each
 * (the process keeps serving); libraries' console output and Node's warnings go through the logger.
 * Not for test processes, whose reporters write to the console.
 */
import { format } from 'node:util';
import type { Logger } from 'pino';
import { errorForLog } from './errors';
import { writeNodeWarningsWith } from './nodeWarnings';

export function installProcessGuards(logger: Logger): void {
  process.on('uncaughtException', (error) => {
    logger.error({ event: 'uncaughtException', error: errorForLog(error, { stack: true }) }, 'uncaught exception (the bot keeps running)');
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ event: 'unhandledRejection', error: errorForLog(reason, { stack: true }) }, 'unhandled promise rejection (the bot keeps running)');
  });
  // Held since start-up by ./nodeWarnings (index.ts loads it before any dependency).
  writeNodeWarningsWith((warning) => {
    logger.warn({ event: 'nodeWarning', error: errorForLog(warning) }, 'Node.js warning');
  });
  // Libraries (botbuilder among them) print diagnostics, some with keys or stacks: debug level only.
  const fromLibrary = (args: unknown[]): void => {
    const error = args.find((arg): arg is Error => arg instanceof Error);
    logger.debug({ event: 'libraryConsole', ...(error ? { error: errorForLog(error) } : { text: format(...args).slice(0, 500) }) }, 'library console output');
  };
  console.log = (...args: unknown[]) => fromLibrary(args);
  console.info = (...args: unknown[]) => fromLibrary(args);
  console.warn = (...args: unknown[]) => fromLibrary(args);
  console.error = (...args: unknown[]) => fromLibrary(args);
  console.debug = (...args: unknown[]) => fromLibrary(args);
  console.trace = (...args: unknown[]) => fromLibrary(args);
}

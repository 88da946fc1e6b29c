/**
 * `npm run doctor [-- --env dev] [--user someone@example.com] [--json]`: a read-only preflight of
 * everything a sign-in needs (AWS: Q Business, Identity Center, IAM; Microsoft: Entra app, Azure
 * Bot). The entry point only (also bundled into the deploy package for the App Service console);
 * the run itself is run.ts.
 */
import { runDoctor, UsageError } from './run';

const USAGE = 'usage: npm run doctor -- [--env <name> | --env-file <file>] [--user <e-mail>] [--json] [--project <folder>]\n';

runDoctor(process.argv.slice(2))
  // Exit once the report is written: idle keep-alive connections (HTTP/2 to Q, fetch) would hold the process open.
  .then(({ code, output }) => process.stdout.write(output, () => process.exit(code)))
  .catch((error: Error) => {
    // A doctor that crashes is no help: one line, no stack.
    process.stderr.write(error instanceof UsageError ? `${error.message ? `${error.message}\n` : ''}${USAGE}` : `✘ the doctor itself failed: ${error.name}: ${error.message.split('\n')[0]}\n`);
    process.exit(2);
  });

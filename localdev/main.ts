/** `node lib/localdev/main.js [--port 8088]`: the local AWS-compatible services on their own. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalServices } from './server';

export const DOCUMENTS_FOLDER = resolve(__dirname, '../../localdev/qbusiness/documents');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8088' },
      host: { type: 'string', default: '127.0.0.1' },
      documents: { type: 'string' },
      // Documents shaped by an attacker: ask "hostile list" (see qbusiness/hostileDocuments.ts).
      'hostile-documents': { type: 'boolean', default: false },
      // A real Q answer takes seconds: retrieval first, then generation token by token.
      'first-token-ms': { type: 'string', default: '1500' },
      'tokens-per-second': { type: 'string', default: '40' },
    },
  });
  const pacing = { firstTokenMs: Number(values['first-token-ms']), tokensPerSecond: Number(values['tokens-per-second']) };
  const services = await startLocalServices({ port: Number(values.port), host: values.host, documentsFolder: values.documents ?? DOCUMENTS_FOLDER, pacing, hostileDocuments: values['hostile-documents'] });
  process.stdout.write(`Local AWS services listening on ${services.url} (Amazon Q Business application ${services.applicationId}, IAM Identity Center, STS, Entra-like issuer; answers: first token after ${pacing.firstTokenMs} ms, ${pacing.tokensPerSecond} tokens/s)\n`);
  const stop = (): void => void services.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();

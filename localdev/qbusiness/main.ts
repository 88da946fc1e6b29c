/** `node lib/localdev/qbusiness/main.js [--port 8088]`: the local Q service on its own. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalQBusiness } from './server';

export const DOCUMENTS_FOLDER = resolve(__dirname, '../../../localdev/qbusiness/documents');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8088' }, host: { type: 'string', default: '127.0.0.1' }, documents: { type: 'string' } } });
  const service = await startLocalQBusiness({ port: Number(values.port), host: values.host, documentsFolder: values.documents ?? DOCUMENTS_FOLDER });
  process.stdout.write(`Local Amazon Q Business listening on ${service.url} (application ${service.applicationId})\n`);
  const stop = (): void => void service.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();

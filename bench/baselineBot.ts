/**
 * The reference point for `npm run bench`: the smallest reasonable Teams AI bot that answers
 * with Amazon Q Business — one ChatSync, one plain card, nothing else. Run as its own process:
 *   node lib/bench/baselineBot.js <port> <qEndpoint> <applicationId>
 */
import { MemoryStorage, CardFactory } from 'botbuilder';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import { ChatSyncCommand, QBusinessClient } from '@aws-sdk/client-qbusiness';
import * as restify from 'restify';

const [port, endpoint, applicationId] = process.argv.slice(2);
const adapter = new TeamsAdapter({});
const client = new QBusinessClient({ region: 'us-east-1', endpoint: endpoint as string });
const app = new Application({ adapter, storage: new MemoryStorage() });

app.activity('message', async (context) => {
  const output = await client.send(new ChatSyncCommand({ applicationId: applicationId as string, userMessage: context.activity.text }));
  const sources = (output.sourceAttributions ?? []).map((source, index) => `${index + 1}. [${source?.title}](${source?.url})`).join('\n');
  await context.sendActivity({
    attachments: [
      CardFactory.adaptiveCard({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: output.systemMessage ?? '', wrap: true },
          { type: 'TextBlock', text: sources, wrap: true },
        ],
      }),
    ],
  });
});

const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, async (context) => {
    await app.run(context);
  });
});
server.get('/healthz', (_req, res, next) => {
  res.send(200);
  return next();
});
server.listen(Number(port), '127.0.0.1');

/**
 * `npm run playground -- --copilot`: the Agents Playground (0.2.28) has no Microsoft 365 Copilot
 * channel, so this relay sits between it and the bot and marks the playground's 1:1 chat as
 * Copilot Chat marks a custom engine agent's turns: `channelData.productContext: "COPILOT"` and a
 * `ProductInfo` entity `COPILOT` (the Agents SDK's `msteams:COPILOT` sub-channel), on the same
 * `msteams` channel. Group chats and channels pass unchanged (Copilot Chat has none). The bot's
 * HTTP answer (invoke responses) goes back to the playground as it came. Development only.
 */
'use strict';
const http = require('node:http');

const MAX_BODY_BYTES = 1024 * 1024;

/** The activity as Copilot Chat would send it, when it is the playground's 1:1 chat. */
function asCopilotActivity(activity) {
  if (!activity || typeof activity !== 'object' || activity.conversation?.conversationType !== 'personal') return activity;
  const entities = Array.isArray(activity.entities) ? activity.entities.filter((entity) => entity?.type !== 'ProductInfo') : [];
  return {
    ...activity,
    channelData: { ...(activity.channelData ?? {}), productContext: 'COPILOT' },
    entities: [...entities, { type: 'ProductInfo', id: 'COPILOT' }],
  };
}

/** Listens on 127.0.0.1:port and relays POST /api/messages to botMessagesUrl; resolves once listening. */
function startCopilotRelay({ port, botMessagesUrl, log = () => undefined }) {
  const server = http.createServer((request, response) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', async () => {
      if (request.method !== 'POST' || request.url !== '/api/messages' || size > MAX_BODY_BYTES) {
        response.writeHead(request.method === 'POST' ? 400 : 404).end();
        return;
      }
      let body = Buffer.concat(chunks).toString('utf8');
      try {
        const activity = JSON.parse(body);
        const marked = asCopilotActivity(activity);
        if (marked !== activity) log(`${activity.type}${activity.name ? ` ${activity.name}` : ''} → bot as Microsoft 365 Copilot Chat`);
        body = JSON.stringify(marked);
      } catch {
        // not JSON: the bot's front door answers it
      }
      try {
        const forwarded = await fetch(botMessagesUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) },
          body,
        });
        const answer = Buffer.from(await forwarded.arrayBuffer());
        const type = forwarded.headers.get('content-type');
        response.writeHead(forwarded.status, type ? { 'content-type': type } : {}).end(answer);
      } catch {
        response.writeHead(502).end();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '127.0.0.1', () => resolve(server));
  });
}

module.exports = { asCopilotActivity, startCopilotRelay };

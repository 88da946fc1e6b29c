/** Turns the bot starts itself, through the Teams adapter: continue a conversation, open a 1:1 chat. */
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { ChannelPoster } from '../domain/experts';
import type { ConversationAddress, OutgoingActivity, ProactiveTurns, TeamsTurn } from '../domain/turn';
import { conversationReference, teamsTurn } from './turn';

/** The Bot Framework channel service audience, for connector calls the bot starts itself. */
const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

export function proactiveTurns(adapter: TeamsAdapter, botAppId: string | undefined): ProactiveTurns {
  const appId = botAppId ?? '';
  return {
    continueIn: (address: ConversationAddress, work: (turn: TeamsTurn) => Promise<void>) =>
      adapter.continueConversationAsync(appId, conversationReference(address), (context) => work(teamsTurn(context))),
    openPrivateChat: async (turn: TeamsTurn, work: (turn: TeamsTurn) => Promise<void>) => {
      const activity = turn.activity;
      const tenantId = activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
      await adapter.createConversationAsync(
        appId,
        activity.channelId,
        activity.serviceUrl,
        BOT_FRAMEWORK_AUDIENCE,
        { isGroup: false, bot: activity.recipient, members: [activity.from], ...(tenantId ? { tenantId, channelData: { tenant: { id: tenantId } } } : {}) } as never,
        (privateChat) => work(teamsTurn(privateChat)),
      );
    },
  };
}

/** New top-level messages in a Teams channel, posted with the bot's own identity (expert requests). */
export function channelPoster(adapter: TeamsAdapter, botAppId: string | undefined): ChannelPoster {
  return {
    postToChannel: async (from: TeamsTurn, channelId: string, activity: OutgoingActivity) => {
      const inbound = from.activity;
      const tenantId = inbound.conversation.tenantId ?? (inbound.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
      let posted: { conversationId: string; activityId?: string } = { conversationId: channelId };
      await adapter.createConversationAsync(
        botAppId ?? '',
        inbound.channelId,
        inbound.serviceUrl,
        BOT_FRAMEWORK_AUDIENCE,
        { isGroup: true, bot: inbound.recipient, channelData: { channel: { id: channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) }, activity, ...(tenantId ? { tenantId } : {}) } as never,
        async (context) => {
          const reference = context.activity.conversation;
          posted = { conversationId: reference?.id ?? channelId, ...((context.activity as { id?: string }).id ? { activityId: (context.activity as { id?: string }).id as string } : {}) };
        },
      );
      return posted;
    },
  };
}

/**
 * The message extension's routes: Teams' three message extension invokes, each answered with the
 * invoke response the feature computes (./messageExtension), for the person Teams names.
 */
import type { TeamsTurn } from '../../domain/turn';
import type { FeatureRoutes } from '../routes';
import type { ExtensionUser, InvokeReply, MessageExtension } from './messageExtension';

export function registerMessageExtension(routes: FeatureRoutes, extension: MessageExtension): void {
  const invokes: Array<[string, (value: unknown, user: ExtensionUser) => Promise<InvokeReply>]> = [
    ['composeExtension/query', (value, user) => extension.onQuery(value, user)],
    ['composeExtension/fetchTask', (value, user) => extension.onFetchTask(value, user)],
    ['composeExtension/submitAction', (value, user) => extension.onSubmitAction(value, user)],
  ];
  for (const [name, handle] of invokes) {
    routes.invoke(name, async (turn) => {
      await turn.send({ type: 'invokeResponse', value: await handle(turn.activity.value, extensionUserOf(turn)) });
    });
  }
}

function extensionUserOf(turn: TeamsTurn): ExtensionUser {
  const { from, conversation, channelData } = turn.activity;
  const tenantId = conversation.tenantId ?? (channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return {
    key: turn.asker.key,
    teamsId: from.id,
    ...(turn.asker.name ? { name: turn.asker.name } : {}),
    ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
}

/** Plugin actions waiting for the person's review or sign-in, by the opaque key their card carries. */
import { RETENTION_MS } from '../../domain/retention';
import type { PluginActionReview } from '../../domain/plugin';
import type { ConversationPointer } from '../../domain/qTurn';
import { ExpiringRecords, type Clock } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';

export interface PendingPluginAction {
  askerKey: string;
  /** The Q message that asked for review or sign-in: the execution continues from it. */
  conversation: ConversationPointer;
  review?: PluginActionReview;
  pluginType: string;
  /** A plugin sign-in: where the person consents (shown again in their own view in a shared space). */
  authorizationUrl?: string;
  /** In a shared space with private answers: the form is the asker's own view, others see a placeholder. */
  privateTo?: { askerTeamsId: string; askedBy: string; question: string };
}

export class PluginActionStore {
  private readonly records: ExpiringRecords<PendingPluginAction>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'plugin-action', RETENTION_MS.pluginAction, now);
  }

  remember(pending: PendingPluginAction): Promise<string> {
    return this.records.putNew(pending);
  }

  get(actionKey: string): Promise<PendingPluginAction | undefined> {
    return this.records.get(this.records.key(actionKey));
  }

  /** Claims the action for its asker: true for exactly one of several racing submits. */
  async claim(actionKey: string, askerKey: string): Promise<boolean> {
    return Boolean(await this.records.take(this.records.key(actionKey), (pending) => pending.askerKey === askerKey));
  }
}


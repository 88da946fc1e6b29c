/**
 * Where a turn happens (src/teams/turn.ts conversationSurface): Copilot Chat is recognised from
 * any of the marks Microsoft's SDKs read, and counts as one-to-one; everything else keeps the
 * Teams conversation type.
 */
import assert from 'node:assert/strict';
import { isOneToOne, type InboundActivity } from '../../src/domain/turn';
import { conversationSurface } from '../../src/teams/turn';

function activity(overrides: Partial<InboundActivity> = {}, conversationType: string | null = 'personal'): InboundActivity {
  return {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    from: { id: '29:ada' },
    recipient: { id: '28:bot' },
    conversation: { id: 'a:1', ...(conversationType ? { conversationType } : {}) },
    ...overrides,
  };
}

describe('conversation surface (Teams 1:1, Microsoft 365 Copilot Chat, shared spaces)', () => {
  it('keeps Teams conversation types: personal is one-to-one, channels and group chats are shared', () => {
    assert.equal(conversationSurface(activity()), 'personal');
    assert.equal(conversationSurface(activity({}, 'channel')), 'shared');
    assert.equal(conversationSurface(activity({}, 'groupChat')), 'shared');
    assert.equal(conversationSurface(activity({}, null)), 'shared', 'no type: the cautious answer');
  });

  const copilotMarks: Array<[string, Partial<InboundActivity>]> = [
    ['channelData.productContext COPILOT', { channelData: { tenant: { id: 't' }, productContext: 'COPILOT' } }],
    ['channelData.productContext Copilot (other casing)', { channelData: { productContext: 'Copilot' } }],
    ['a ProductInfo entity COPILOT (the Agents SDK sub-channel)', { entities: [{ type: 'clientInfo' }, { type: 'ProductInfo', id: 'COPILOT' }] }],
    ['the compound channel id msteams:COPILOT', { channelId: 'msteams:COPILOT' }],
    ['the compound channel id msteams:Copilot', { channelId: 'msteams:Copilot' }],
  ];
  for (const [mark, overrides] of copilotMarks) {
    it(`recognises Copilot Chat from ${mark}, with or without a conversation type`, () => {
      assert.equal(conversationSurface(activity(overrides)), 'copilot');
      assert.equal(conversationSurface(activity(overrides, null)), 'copilot');
      assert.equal(isOneToOne(conversationSurface(activity(overrides, 'groupChat'))), true, 'Copilot Chat is the person alone with the bot');
    });
  }

  it('does not take other products, other entities or other channels for Copilot', () => {
    assert.equal(conversationSurface(activity({ channelData: { productContext: 'TEAMS' } })), 'personal');
    assert.equal(conversationSurface(activity({ channelData: { productContext: 42 } }, 'channel')), 'shared');
    assert.equal(conversationSurface(activity({ entities: [{ type: 'ProductInfo', id: 'OUTLOOK' }] })), 'personal');
    assert.equal(conversationSurface(activity({ entities: [{ type: 'clientInfo', id: 'COPILOT' }] }, 'channel')), 'shared');
    assert.equal(conversationSurface(activity({ channelId: 'webchat:COPILOT' }, 'channel')), 'shared', 'only the Teams channel carries Copilot Chat');
    assert.equal(conversationSurface(activity({ channelId: 'directline', channelData: { productContext: 'COPILOT' } }, 'channel')), 'shared');
    assert.equal(isOneToOne('shared'), false);
    assert.equal(isOneToOne('personal'), true);
  });
});

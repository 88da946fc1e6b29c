/**
 * Cards for Q Business plugin turns: the review form of a plugin action (one input per payload
 * field, nothing runs until the person submits), and the plugin's own sign-in.
 */
import type { PluginActionReview, PluginField } from '../domain/plugin';
import { VERBS } from './verbs';
import { adaptiveCard, textBlock, type AdaptiveCardJson, type CardElement } from './types';

export const FIELD_INPUT_PREFIX = 'field:';

export function pluginFormCard(actionKey: string, review: PluginActionReview, problem?: string): AdaptiveCardJson {
  const fields = [...review.fields].sort((a, b) => a.order - b.order);
  const body: CardElement[] = [
    textBlock(`**Review before anything is sent to ${pluginLabel(review.pluginType)}**`),
    textBlock('Amazon Q Business prepared this action from your request. Check the values; nothing happens until you submit.', { isSubtle: true, size: 'Small' }),
    ...fields.map(fieldInput),
  ];
  if (problem) body.push(textBlock(problem, { color: 'Attention', size: 'Small' }));
  return adaptiveCard(body, [
    { type: 'Action.Execute', title: 'Submit', verb: VERBS.pluginExecute, data: { actionKey }, associatedInputs: 'auto', style: 'positive' },
    { type: 'Action.Execute', title: 'Cancel', verb: VERBS.pluginCancel, data: { actionKey }, associatedInputs: 'none' },
  ]);
}

function fieldInput(field: PluginField): CardElement {
  const common = {
    id: `${FIELD_INPUT_PREFIX}${field.name}`,
    label: field.displayName,
    isRequired: field.required,
    ...(field.required ? { errorMessage: `${field.displayName} is required` } : {}),
  };
  const hint = [field.description, field.allowedFormat ? `Format: ${field.allowedFormat}` : undefined].filter(Boolean).join(' · ');
  const placeholder = hint ? { placeholder: hint } : {};
  if (field.allowedValues?.length) {
    return {
      type: 'Input.ChoiceSet',
      ...common,
      style: 'compact',
      choices: field.allowedValues.map((allowed) => ({ title: allowed.label, value: allowed.value })),
      ...(field.value !== undefined ? { value: String(field.value) } : {}),
    };
  }
  switch (field.type) {
    case 'NUMBER':
      return { type: 'Input.Number', ...common, ...placeholder, ...(typeof field.value === 'number' ? { value: field.value } : {}) };
    case 'BOOLEAN':
      return { type: 'Input.Toggle', ...common, title: field.displayName, valueOn: 'true', valueOff: 'false', value: field.value === true ? 'true' : 'false' };
    default:
      return {
        type: 'Input.Text',
        ...common,
        ...placeholder,
        isMultiline: field.type === 'ARRAY' || String(field.value ?? '').length > 60,
        ...(field.value !== undefined ? { value: Array.isArray(field.value) ? field.value.join(', ') : String(field.value) } : {}),
      };
  }
}

export function pluginDoneCard(pluginType: string, outcome: 'submitted' | 'cancelled'): AdaptiveCardJson {
  return adaptiveCard([
    textBlock(outcome === 'submitted' ? `✅ Sent to ${pluginLabel(pluginType)}. The result follows.` : `Cancelled: nothing was sent to ${pluginLabel(pluginType)}.`, { isSubtle: true }),
  ]);
}

export function pluginAuthCard(actionKey: string, pluginLabelText: string, authorizationUrl: string): AdaptiveCardJson {
  return adaptiveCard(
    [
      textBlock(`**${pluginLabelText} needs your permission**`),
      textBlock(`To answer this, Amazon Q Business has to use ${pluginLabelText} on your behalf. Sign in there, then continue here.`),
    ],
    [
      { type: 'Action.OpenUrl', title: `Sign in to ${pluginLabelText}`, url: authorizationUrl },
      { type: 'Action.Execute', title: 'I have signed in: continue', verb: VERBS.pluginResume, data: { actionKey } },
    ],
  );
}

export function pluginLabel(pluginType: string): string {
  const known: Record<string, string> = { JIRA: 'Jira', SERVICE_NOW: 'ServiceNow', SALESFORCE: 'Salesforce', ZENDESK: 'Zendesk', MICROSOFT_TEAMS: 'Microsoft Teams', CUSTOM: 'the plugin' };
  return known[pluginType] ?? pluginType.replace(/_/g, ' ').toLowerCase();
}

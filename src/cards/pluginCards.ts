/**
 * Cards for Q Business plugin turns: the review form of a plugin action (one input per payload
 * field, nothing runs until the person submits), and the plugin's own sign-in.
 */
import type { PluginActionReview, PluginField } from '../domain/plugin';
import { safeHttpsLink } from '../content/links';
import { plainLine, TEXT_LIMITS } from '../content/plainText';
import { SURFACE_BUDGETS, utf16Bytes } from '../content/sizeBudget';
import { plainTextBlock, richTextBlock, textRun } from './richText';
import { VERBS } from './verbs';
import { adaptiveCard, textBlock, type AdaptiveCardJson, type CardElement } from './types';

export const FIELD_INPUT_PREFIX = 'field:';

// Labels, hints and values come from the plugin's payload (Q and the documents shape them): plain text, capped.
interface FieldLimits {
  value: number;
  choices: number;
}
const FIELD_LIMITS: FieldLimits[] = [
  { value: 2000, choices: 50 },
  { value: 500, choices: 20 },
  { value: 100, choices: 5 },
];
const MAX_FIELDS = 40;
const FORM_BUDGET_UTF16_BYTES = SURFACE_BUDGETS.message - 4 * 1024;

export function pluginFormCard(actionKey: string, review: PluginActionReview, problem?: string): AdaptiveCardJson {
  // The fullest form that fits in a message: values and choice lists are cut further until it does.
  let card: AdaptiveCardJson | undefined;
  for (const limits of FIELD_LIMITS) {
    card = formCard(actionKey, review, limits, problem);
    if (utf16Bytes(card) <= FORM_BUDGET_UTF16_BYTES) return card;
  }
  return formCard(actionKey, { ...review, fields: [] }, FIELD_LIMITS[0] as FieldLimits, problem ?? 'This action has more fields than a Teams card can show. Ask again with a shorter request.');
}

function formCard(actionKey: string, review: PluginActionReview, limits: FieldLimits, problem?: string): AdaptiveCardJson {
  const fields = [...review.fields].sort((a, b) => a.order - b.order).slice(0, MAX_FIELDS);
  const body: CardElement[] = [
    textBlock(`**Review before anything is sent to ${pluginLabel(review.pluginType)}**`),
    textBlock('Amazon Q Business prepared this action from your request. Check the values; nothing happens until you submit.', { isSubtle: true, size: 'Small' }),
    ...fields.flatMap((field, index) => fieldInput(field, index + 1, limits)),
  ];
  // A problem can name a field (document text): plain runs.
  if (problem) body.push(plainTextBlock(plainLine(problem, TEXT_LIMITS.errorMessage), { color: 'Attention', size: 'Small' }));
  return adaptiveCard(body, [
    { type: 'Action.Execute', title: 'Submit', verb: VERBS.pluginExecute, data: { actionKey }, associatedInputs: 'auto', style: 'positive' },
    { type: 'Action.Execute', title: 'Cancel', verb: VERBS.pluginCancel, data: { actionKey }, associatedInputs: 'none' },
  ]);
}

/**
 * One field: its label and hint (from the plugin's payload, so document text) in a RichTextBlock
 * above the input; the input's own label, title and error message are the bot's words, because
 * renderers parse those as markdown (the JavaScript renderer: toggle titles and error messages).
 */
function fieldInput(field: PluginField, number: number, limits: FieldLimits): CardElement[] {
  const label = plainLine(field.displayName, TEXT_LIMITS.fieldLabel) || plainLine(field.name, TEXT_LIMITS.fieldLabel) || 'Field';
  const hint = plainLine([field.description, field.allowedFormat ? `Format: ${field.allowedFormat}` : undefined].filter(Boolean).join(' · '), TEXT_LIMITS.snippet);
  const heading = richTextBlock(
    [textRun(`${number}. `, { weight: 'Bolder' }), textRun(label, { weight: 'Bolder' }), ...(field.required ? [textRun(' (required)', { isSubtle: true })] : []), ...(hint ? [textRun(`\n${hint}`, { isSubtle: true, size: 'Small' })] : [])],
    { spacing: 'Medium' },
  );
  const common = {
    id: `${FIELD_INPUT_PREFIX}${field.name}`,
    label: `Field ${number}`,
    isRequired: field.required,
    ...(field.required ? { errorMessage: `Field ${number} is required` } : {}),
    spacing: 'Small',
  };
  // A choice's value goes back to Q as it is: a choice too long to show whole is left out, not cut.
  const choices = (field.allowedValues ?? []).filter((allowed) => String(allowed.value).length <= limits.value).slice(0, limits.choices);
  if (choices.length) {
    return [
      heading,
      {
        type: 'Input.ChoiceSet',
        ...common,
        // Compact: choice titles are the text of a drop-down list, which no renderer parses as markdown.
        style: 'compact',
        choices: choices.map((allowed) => ({ title: plainLine(allowed.label, TEXT_LIMITS.fieldLabel) || plainLine(String(allowed.value), TEXT_LIMITS.fieldLabel), value: String(allowed.value) })),
        ...(field.value !== undefined && choices.some((allowed) => String(allowed.value) === String(field.value)) ? { value: String(field.value) } : {}),
      },
    ];
  }
  switch (field.type) {
    case 'NUMBER':
      return [heading, { type: 'Input.Number', ...common, ...(typeof field.value === 'number' && Number.isFinite(field.value) ? { value: field.value } : {}) }];
    case 'BOOLEAN':
      return [heading, { type: 'Input.Toggle', ...common, title: 'Yes', valueOn: 'true', valueOff: 'false', value: field.value === true ? 'true' : 'false' }];
    default: {
      const value = field.value === undefined ? undefined : cleanValue(Array.isArray(field.value) ? field.value.join(', ') : String(field.value), limits.value);
      return [
        heading,
        {
          type: 'Input.Text',
          ...common,
          isMultiline: field.type === 'ARRAY' || (value ?? '').length > 60 || (value ?? '').includes('\n'),
          ...(value !== undefined ? { value } : {}),
        },
      ];
    }
  }
}

/** A prefilled value the person edits: hidden characters removed, line breaks kept, capped. */
function cleanValue(raw: string, maxLength: number): string {
  const lines = raw.split(/\r\n?|\n/).map((line) => plainLine(line, maxLength));
  const joined = lines.join('\n');
  return joined.length <= maxLength ? joined : plainLine(joined, maxLength);
}

export function pluginDoneCard(pluginType: string, outcome: 'submitted' | 'cancelled'): AdaptiveCardJson {
  return adaptiveCard([
    textBlock(outcome === 'submitted' ? `✅ Sent to ${pluginLabel(pluginType)}. The result follows.` : `Cancelled: nothing was sent to ${pluginLabel(pluginType)}.`, { isSubtle: true }),
  ]);
}

/** The plugin sign-in card. `pluginLabelText` is the bot's own name for the plugin; the host comes from Q and is shown as a run. */
export function pluginAuthCard(actionKey: string, pluginLabelText: string, authorizationUrl: string): AdaptiveCardJson {
  const name = plainLine(pluginLabelText, TEXT_LIMITS.fieldLabel);
  // Only an https address becomes a sign-in button; its host is shown so the person sees where it goes.
  const signIn = safeHttpsLink(authorizationUrl);
  if (!signIn) {
    return adaptiveCard([
      plainTextBlock(`${name} needs your permission`, { weight: 'Bolder' }),
      plainTextBlock(`Amazon Q Business asked you to sign in to ${name}, but the sign-in address it gave is not a secure web address, so it is not shown. Ask your admin to check the plugin's settings.`, { color: 'Attention' }),
    ]);
  }
  return adaptiveCard(
    [
      plainTextBlock(`${name} needs your permission`, { weight: 'Bolder' }),
      richTextBlock([
        textRun(`To answer this, Amazon Q Business has to use ${name} on your behalf. Sign in there (`),
        textRun(plainLine(signIn.host, TEXT_LIMITS.host), { weight: 'Bolder' }),
        textRun('), then continue here.'),
      ]),
    ],
    [
      { type: 'Action.OpenUrl', title: `Sign in to ${name}`, url: signIn.href },
      { type: 'Action.Execute', title: 'I have signed in: continue', verb: VERBS.pluginResume, data: { actionKey } },
    ],
  );
}

/** The bot's name for a plugin type; a type it does not know is "the plugin", never Q's string. */
export function pluginLabel(pluginType: string): string {
  const known: Record<string, string> = { JIRA: 'Jira', SERVICE_NOW: 'ServiceNow', SALESFORCE: 'Salesforce', ZENDESK: 'Zendesk', MICROSOFT_TEAMS: 'Microsoft Teams', CUSTOM: 'the plugin' };
  return Object.hasOwn(known, pluginType) ? (known[pluginType] as string) : 'the plugin';
}

/**
 * Validates cards twice: against the official Adaptive Card 1.5 JSON schema (plus Teams'
 * `msteams` property and `CodeBlock` element), and with the `adaptivecards` library's own
 * parser and validator, targeting 1.5.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import draft6MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json';
import officialSchema from '../fixtures/adaptive-card-1.5.0.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

function teamsSchema(): Record<string, any> {
  const schema = JSON.parse(JSON.stringify(officialSchema)) as Record<string, any>;
  schema.$id = schema.id;
  delete schema.id;
  const definitions = schema.definitions as Record<string, any>;
  definitions.AdaptiveCard.properties.msteams = { type: 'object', properties: { width: { enum: ['Full'] } }, additionalProperties: true };
  // Teams' own element (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format#codeblock-in-adaptive-cards).
  definitions.CodeBlock = {
    type: 'object',
    additionalProperties: false,
    required: ['codeSnippet'],
    properties: {
      type: { enum: ['CodeBlock'] },
      codeSnippet: { type: 'string' },
      language: { type: 'string' },
      startLineNumber: { type: 'number' },
      fallback: {},
      height: {},
      separator: {},
      spacing: {},
      id: {},
      isVisible: {},
      requires: {},
    },
    allOf: [{ $ref: '#/definitions/Extendable.Element' }],
  };
  definitions['ImplementationsOf.Element'].anyOf.push({ required: ['type'], allOf: [{ $ref: '#/definitions/CodeBlock' }] });
  return schema;
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft6MetaSchema);
addFormats(ajv);
const validateSchema = ajv.compile(teamsSchema());

export function schemaErrors(card: unknown): string[] {
  if (validateSchema(card)) return [];
  return (validateSchema.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

/** Problems the adaptivecards library reports when parsing and validating the card as 1.5. */
export function libraryErrors(card: unknown): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let index = 0; index < context.eventCount; index += 1) {
    const event = context.getEventAt(index);
    // CodeBlock is Teams-only: other hosts use its fallback, which is exactly what we want.
    if (/CodeBlock/.test(event.message)) continue;
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return problems;
}

/** Actions a Teams user can see at once: the card's own plus those of visible ActionSets. */
export function visibleActionCount(card: Record<string, any>): number {
  let count = (card.actions ?? []).length;
  const walk = (node: unknown, visible: boolean): void => {
    if (Array.isArray(node)) node.forEach((child) => walk(child, visible));
    else if (node && typeof node === 'object') {
      const record = node as Record<string, any>;
      const nowVisible = visible && record.isVisible !== false;
      if (record.type === 'ActionSet' && nowVisible) count += (record.actions ?? []).length;
      for (const [key, value] of Object.entries(record)) if (key !== 'actions' && key !== 'fallback') walk(value, nowVisible);
    }
  };
  walk(card.body, true);
  return count;
}

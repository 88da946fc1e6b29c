/**
 * botframework-connector 4.23 serialises `activity.entities` through its `Entity` mapper, which
 * declares only `type`, `text` and `mentioned`: every other property is silently dropped before
 * the activity reaches Teams. That strips Teams' AI-generated label (`additionalType`,
 * `@type`, `@context`). Declaring additional properties on the shared mapper keeps them, as
 * the Bot Framework activity spec says entities may carry any fields (botbuilder-js #2561).
 */
import * as connectorMappers from 'botframework-connector/lib/connectorApi/models/mappers';

type MapperWithExtras = { type: { additionalProperties?: { type: { name: 'Object' } } } };

export function keepCustomEntityProperties(): void {
  const entity = (connectorMappers as unknown as { Entity: MapperWithExtras }).Entity;
  entity.type.additionalProperties ??= { type: { name: 'Object' } };
}

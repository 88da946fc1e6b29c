/**
 * The local Q's reading of `attributeFilter` (ChatSync body, Chat configurationEvent) against its
 * sample documents' attributes, the way Q applies a filter to indexed documents: reserved
 * attributes `_data_source_id`, `_category`, `_document_title`, `_last_updated_at`, and whatever
 * a document's front matter adds. A malformed filter is a ValidationException, as from Q.
 */
export type AttributeValue = string | string[] | number | Date;
export type DocumentAttributes = Record<string, AttributeValue>;

interface Comparison {
  name?: unknown;
  value?: { stringValue?: unknown; stringListValue?: unknown; longValue?: unknown; dateValue?: unknown };
}

export class FilterError extends Error {}

/** The attribute names the sample documents can have (what a data source's index would hold). */
export const RESERVED_ATTRIBUTES = ['_data_source_id', '_category', '_document_title', '_last_updated_at', '_source_uri'];

export function matchesFilter(filter: unknown, attributes: DocumentAttributes): boolean {
  if (!filter || typeof filter !== 'object') throw new FilterError('attributeFilter must be an object.');
  const node = filter as Record<string, unknown>;
  const keys = Object.keys(node).filter((key) => node[key] !== undefined && node[key] !== null);
  if (keys.length === 0) throw new FilterError('attributeFilter must set one operator.');
  return keys.every((key) => {
    const value = node[key];
    switch (key) {
      case 'andAllFilters':
        return list(value, key).every((inner) => matchesFilter(inner, attributes));
      case 'orAllFilters':
        return list(value, key).some((inner) => matchesFilter(inner, attributes));
      case 'notFilter':
        return !matchesFilter(value, attributes);
      case 'equalsTo':
      case 'containsAll':
      case 'containsAny':
      case 'greaterThan':
      case 'greaterThanOrEquals':
      case 'lessThan':
      case 'lessThanOrEquals':
        return compare(key, value as Comparison, attributes);
      default:
        throw new FilterError(`Unknown attributeFilter operator ${key}.`);
    }
  });
}

function list(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw new FilterError(`${key} must be a list of filters.`);
  return value;
}

function compare(operator: string, comparison: Comparison, attributes: DocumentAttributes): boolean {
  if (typeof comparison?.name !== 'string' || !comparison.value || typeof comparison.value !== 'object') throw new FilterError(`${operator} needs a name and a value.`);
  const expected = operandOf(comparison.value);
  const actual = attributes[comparison.name];
  if (actual === undefined) return false;
  const actualList = Array.isArray(actual) ? actual : [actual];
  switch (operator) {
    case 'equalsTo':
      return Array.isArray(expected) ? Array.isArray(actual) && expected.length === actual.length && expected.every((item) => actual.includes(item)) : scalar(actual) === scalar(expected);
    case 'containsAll':
      return (Array.isArray(expected) ? expected : [expected]).every((item) => actualList.map(scalar).includes(scalar(item)));
    case 'containsAny':
      return (Array.isArray(expected) ? expected : [expected]).some((item) => actualList.map(scalar).includes(scalar(item)));
    default: {
      const left = Number(scalar(actual));
      const right = Number(scalar(expected as AttributeValue));
      if (operator === 'greaterThan') return left > right;
      if (operator === 'greaterThanOrEquals') return left >= right;
      if (operator === 'lessThan') return left < right;
      return left <= right;
    }
  }
}

function operandOf(value: NonNullable<Comparison['value']>): AttributeValue {
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (Array.isArray(value.stringListValue)) return value.stringListValue.map(String);
  if (typeof value.longValue === 'number') return value.longValue;
  // Q's JSON carries timestamps as epoch seconds.
  if (typeof value.dateValue === 'number') return new Date(value.dateValue * 1000);
  if (typeof value.dateValue === 'string') return new Date(value.dateValue);
  throw new FilterError('A document attribute value must set one of stringValue, stringListValue, longValue, dateValue.');
}

function scalar(value: AttributeValue | string): string | number {
  return value instanceof Date ? value.getTime() : typeof value === 'number' ? value : String(value);
}

/** Reading IAM policy documents (URL-encoded by IAM, or already objects) without caring about their many shapes. */

export interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function statementsOf(document: unknown): Statement[] {
  let parsed = document;
  if (typeof document === 'string') {
    try {
      parsed = JSON.parse(decodeURIComponent(document));
    } catch {
      return [];
    }
  }
  const statement = (parsed as { Statement?: Statement | Statement[] } | undefined)?.Statement;
  if (!statement) return [];
  return (Array.isArray(statement) ? statement : [statement]).filter((entry) => entry.Effect === 'Allow');
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

export function actionsOf(statement: Statement): string[] {
  return list(statement.Action).map((action) => action.toLowerCase());
}

export function principalsOf(statement: Statement, kind: 'AWS' | 'Federated'): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  return list((principal as Record<string, unknown> | undefined)?.[kind]);
}

/** Values of a condition key under StringEquals/StringLike (key names are case-insensitive in IAM). */
export function conditionValues(statement: Statement, key: string): string[] {
  const values: string[] = [];
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    if (!/^(ForAnyValue:|ForAllValues:)?String(Equals|Like)$/.test(operator)) continue;
    for (const [name, value] of Object.entries(entries)) if (name.toLowerCase() === key.toLowerCase()) values.push(...list(value));
  }
  return values;
}

/** Which of the wanted actions some statement trusting `principal` allows. */
export function allowedActions(document: unknown, principal: string, kind: 'AWS' | 'Federated' = 'AWS'): Set<string> {
  const allowed = new Set<string>();
  for (const statement of statementsOf(document)) {
    const principals = principalsOf(statement, kind);
    if (!principals.includes(principal) && !principals.includes('*')) continue;
    for (const action of actionsOf(statement)) allowed.add(action);
  }
  return allowed;
}

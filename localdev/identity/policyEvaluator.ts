/**
 * A small, honest evaluator of IAM identity policies, as the local IAM's SimulatePrincipalPolicy
 * answers with it: explicit Deny wins, then an Allow, otherwise the implicit deny. It models
 * Effect, Action / NotAction and Resource / NotResource with IAM's wildcards (`*`, `?`; actions
 * case-insensitive, resources case-sensitive). It does NOT model condition keys (a statement
 * with a Condition is treated as not matching, as the simulator does when no context entries
 * are given for its keys), policy variables, permission boundaries, session policies, service
 * control policies or resource-based policies. A development tool: not part of the product.
 */

export type PolicyDocument = { Version: string; Statement: Array<Record<string, unknown>> | Record<string, unknown> };
export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`, ignoreCase ? 'i' : '').test(value);
}

function matches(statement: Record<string, unknown>, action: string, resource: string): boolean {
  if (statement.Condition !== undefined) return false;
  const actionOk =
    statement.Action !== undefined
      ? list(statement.Action).some((pattern) => wildcard(pattern, action, true))
      : statement.NotAction !== undefined && !list(statement.NotAction).some((pattern) => wildcard(pattern, action, true));
  if (!actionOk) return false;
  if (statement.Resource !== undefined) return list(statement.Resource).some((pattern) => wildcard(pattern, resource, false));
  return statement.NotResource !== undefined && !list(statement.NotResource).some((pattern) => wildcard(pattern, resource, false));
}

/** The decision for one action on one resource under the given identity policies. */
export function evaluate(policies: PolicyDocument[], action: string, resource: string): EvalDecision {
  const statements = policies.flatMap((policy) => (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]));
  const applying = statements.filter((statement) => matches(statement, action, resource));
  if (applying.some((statement) => statement.Effect === 'Deny')) return 'explicitDeny';
  return applying.some((statement) => statement.Effect === 'Allow') ? 'allowed' : 'implicitDeny';
}

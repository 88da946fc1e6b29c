/**
 * Evaluates the ARM template expressions the Bicep compiler emits (`[format('…', parameters('x'))]`)
 * for the infra tests, with sample parameter values: just the functions our compiled templates
 * use. Values only Azure knows at deployment time (`reference(<resource>).clientId`, `list…()`)
 * become `<runtime …>` markers; `reference()` to a module's deployment evaluates that module's
 * outputs, so a setting built from module outputs comes out as the text Azure would write.
 * An expression with a function not listed here fails loudly rather than guessing.
 */
import { createHash } from 'node:crypto';
import type { ArmResource, ArmTemplate } from './bicepCli';

export const SAMPLE_SUBSCRIPTION = '00000000-1111-4222-8333-444444444444';
export const SAMPLE_RESOURCE_GROUP = 'rg-qbot-dev';

export interface ArmScope {
  template: ArmTemplate;
  parameters: Record<string, unknown>;
}

/** A value only known once Azure has deployed the resource. */
export class RuntimeValue {
  constructor(readonly path: string) {}
  toString(): string {
    return `<runtime ${this.path}>`;
  }
}

/** The scope of a template given parameter values (defaults filled in, expressions in defaults evaluated). */
export function scopeOf(template: ArmTemplate, given: Record<string, unknown>): ArmScope {
  const scope: ArmScope = { template, parameters: {} };
  for (const [name, declaration] of Object.entries(template.parameters ?? {})) {
    if (name in given) scope.parameters[name] = given[name];
    else if ('defaultValue' in declaration) scope.parameters[name] = evaluate(declaration.defaultValue, scope);
  }
  return scope;
}

/** Evaluates every expression inside a JSON value (objects and arrays walked). */
export function evaluate(value: unknown, scope: ArmScope): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('[[')) return value.slice(1);
    if (value.startsWith('[') && value.endsWith(']')) return new Parser(value.slice(1, -1), scope).parseWhole();
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => evaluate(item, scope));
  if (value && typeof value === 'object' && !(value instanceof RuntimeValue)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, evaluate(item, scope)]));
  }
  return value;
}

/** A module (nested deployment) of a template, with its parameters evaluated in the parent's scope. */
export function moduleScope(parent: ArmScope, deploymentName: string): ArmScope {
  const deployment = resourcesOf(parent.template).find((resource) => resource.type === 'Microsoft.Resources/deployments' && resource.name === deploymentName);
  if (!deployment) throw new Error(`no module deployment named ${deploymentName}`);
  const properties = deployment.properties as { template: ArmTemplate; parameters: Record<string, { value: unknown }> };
  const given = Object.fromEntries(Object.entries(properties.parameters).map(([name, { value }]) => [name, evaluate(value, parent)]));
  return scopeOf(properties.template, given);
}

export function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

const ENVIRONMENT = {
  name: 'AzureCloud',
  suffixes: { storage: 'core.windows.net', keyvaultDns: '.vault.azure.net' },
  authentication: { loginEndpoint: 'https://login.microsoftonline.com/' },
};

type Fn = (args: unknown[], scope: ArmScope) => unknown;

const FUNCTIONS: Record<string, Fn> = {
  parameters: ([name], scope) => {
    if (!(String(name) in scope.parameters)) throw new Error(`parameter ${String(name)} has no value`);
    return scope.parameters[String(name)];
  },
  variables: ([name], scope) => {
    const variables = scope.template.variables ?? {};
    if (!(String(name) in variables)) throw new Error(`no variable ${String(name)}`);
    return evaluate(variables[String(name)], scope);
  },
  format: ([text, ...args]) => String(text).replace(/\{(\d+)\}/g, (_match, index: string) => armString(args[Number(index)])),
  concat: (args) => (args.every(Array.isArray) ? args.flat() : args.map(armString).join('')),
  string: ([value]) => armString(value),
  equals: ([a, b]) => a === b,
  not: ([value]) => !value,
  and: (args) => args.every(Boolean),
  or: (args) => args.some(Boolean),
  if: ([condition, yes, no]) => (condition ? yes : no),
  empty: ([value]) => value === '' || value === null || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0),
  createArray: (args) => args,
  union: (args) => Object.assign({}, ...args),
  environment: () => ENVIRONMENT,
  subscription: () => ({ id: `/subscriptions/${SAMPLE_SUBSCRIPTION}`, subscriptionId: SAMPLE_SUBSCRIPTION, tenantId: new RuntimeValue('subscription().tenantId') }),
  resourceGroup: () => ({ id: `/subscriptions/${SAMPLE_SUBSCRIPTION}/resourceGroups/${SAMPLE_RESOURCE_GROUP}`, name: SAMPLE_RESOURCE_GROUP, location: 'westeurope' }),
  resourceId: ([type, ...names]) => `/subscriptions/${SAMPLE_SUBSCRIPTION}/resourceGroups/${SAMPLE_RESOURCE_GROUP}/providers/${resourcePath(String(type), names)}`,
  subscriptionResourceId: ([type, ...names]) => `/subscriptions/${SAMPLE_SUBSCRIPTION}/providers/${resourcePath(String(type), names)}`,
  extensionResourceId: ([scope, type, ...names]) => `${armString(scope)}/providers/${resourcePath(String(type), names)}`,
  uniqueString: (args) => createHash('sha256').update(args.map(armString).join('|')).digest('hex').replace(/[^a-z0-9]/g, '').slice(0, 13),
  // Deterministic by construction in ARM; here a readable stand-in that keeps the inputs.
  guid: (args) => `guid(${args.map(armString).join(', ')})`,
  reference: ([id], scope) => {
    const deployment = /\/providers\/Microsoft\.Resources\/deployments\/([^/]+)$/.exec(armString(id));
    if (!deployment) return runtimeObject(`reference(${armString(id)})`);
    const inner = moduleScope(scope, deployment[1] as string);
    return { outputs: Object.fromEntries(Object.entries(inner.template.outputs ?? {}).map(([name, output]) => [name, { value: evaluate(output.value, inner) }])) };
  },
  list: ([id]) => runtimeObject(`list(${armString(id)})`),
  utcNow: () => new RuntimeValue('utcNow()'),
  copyIndex: () => 0,
};

function resourcePath(type: string, names: unknown[]): string {
  const [namespace, ...types] = type.split('/');
  return [namespace, ...types.flatMap((segment, index) => [segment, armString(names[index])])].join('/');
}

/** An object any property of which is a runtime value (a resource's properties before it exists). */
function runtimeObject(path: string): unknown {
  return new Proxy(new RuntimeValue(path), {
    get: (target, property) => (typeof property === 'string' && !(property in target) ? runtimeObject(`${path}.${property}`) : Reflect.get(target, property)),
  });
}

function armString(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof RuntimeValue) return value.toString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** Recursive descent over ARM's expression grammar: calls, 'strings', numbers, true/false, .property and [index]. */
class Parser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly scope: ArmScope,
  ) {}

  parseWhole(): unknown {
    const value = this.expression();
    this.space();
    if (this.at !== this.text.length) throw new Error(`unexpected "${this.text.slice(this.at)}" in [${this.text}]`);
    return value;
  }

  private expression(): unknown {
    this.space();
    let value: unknown;
    const char = this.text[this.at];
    if (char === "'") value = this.string();
    else if (/[-\d]/.test(char ?? '')) value = this.number();
    else {
      const name = /^[A-Za-z_][\w]*/.exec(this.text.slice(this.at))?.[0];
      if (!name) throw new Error(`cannot parse [${this.text}] at ${this.at}`);
      this.at += name.length;
      this.space();
      if (name === 'true' || name === 'false') value = name === 'true';
      else if (name === 'null') value = null;
      else value = this.call(name);
    }
    return this.accessors(value);
  }

  private call(name: string): unknown {
    this.expect('(');
    const args: unknown[] = [];
    this.space();
    if (this.text[this.at] !== ')') {
      for (;;) {
        args.push(this.expression());
        this.space();
        if (this.text[this.at] === ',') this.at += 1;
        else break;
      }
    }
    this.expect(')');
    const fn = FUNCTIONS[name];
    if (!fn) throw new Error(`ARM function ${name}() is not known to test/helpers/armExpressions.ts`);
    return fn(args, this.scope);
  }

  private accessors(start: unknown): unknown {
    let value = start;
    for (;;) {
      this.space();
      if (this.text[this.at] === '.') {
        this.at += 1;
        const name = /^[A-Za-z_][\w]*/.exec(this.text.slice(this.at))?.[0] ?? '';
        this.at += name.length;
        value = value instanceof RuntimeValue ? (value as unknown as Record<string, unknown>)[name] : (value as Record<string, unknown> | undefined)?.[name];
      } else if (this.text[this.at] === '[') {
        this.at += 1;
        const index = this.expression();
        this.expect(']');
        value = (value as Record<string, unknown>)[String(index)];
      } else return value;
    }
  }

  private string(): string {
    let result = '';
    this.at += 1;
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) throw new Error(`unterminated string in [${this.text}]`);
      this.at += 1;
      if (char === "'") {
        if (this.text[this.at] === "'") {
          result += "'";
          this.at += 1;
        } else return result;
      } else result += char;
    }
  }

  private number(): number {
    const digits = /^-?\d+/.exec(this.text.slice(this.at))?.[0] ?? '';
    this.at += digits.length;
    return Number(digits);
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) throw new Error(`expected "${char}" at ${this.at} in [${this.text}]`);
    this.at += 1;
  }

  private space(): void {
    while (this.text[this.at] === ' ') this.at += 1;
  }
}

/**
 * The one small helper every feature reads its settings through. A reader only knows the names
 * its feature declared (the type refuses others; so does the reader at run time), trims values,
 * treats blank as unset, and collects problems instead of stopping at the first, so a start-up
 * with a bad environment names everything to fix at once, each with where to set it.
 */
import { LOOPBACK } from './values';
import type { NamesOf, SettingDefinition } from './definition';

export const WHERE =
  'Set it in the environment (`npm start`), in env/.env.<environment> for the Teams Toolkit, or in .localConfigs for the dev scripts.';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is incomplete:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface SettingsReader<Name extends string> {
  /** The trimmed value, or undefined when unset or blank. */
  text(name: Name): string | undefined;
  /** The value of the first of these names that is set. */
  firstOf(...names: Name[]): string | undefined;
  /** A value that must be set and, with a pattern, match it. */
  required(name: Name, what: string, pattern?: RegExp): string;
  /** One of a few words (case-insensitive), else `fallback` and a problem. */
  choice<Choice extends string>(name: Name, choices: readonly Choice[], fallback: Choice, expected?: string): Choice;
  /** `on`/`off` (or true/false, 1/0). */
  onOff(name: Name, fallback: boolean): boolean;
  /** A whole number from `min` to `max`. */
  integer(name: Name, options: { fallback: number; min: number; max?: number; expected: string }): number;
  /** An https URL (or a loopback one, for the local services) without trailing slashes. */
  url(name: Name, expected: string, fallback?: string): string | undefined;
  /** Reports a problem in words of the caller's own (a rule that spans several settings). */
  problem(message: string): void;
  /** `${name} must be ${expected}, got "${value}".`: the one shape of a malformed-value problem. */
  mustBe(name: Name, expected: string, value: string): void;
}

/** Where values come from: the process environment, or the doctor's env files over it. */
export type SettingsSource = (name: string) => string | undefined;

export function environmentSource(env: Readonly<Record<string, string | undefined>>): SettingsSource {
  return (name) => env[name];
}

/**
 * A reader for `definitions`, plus `borrowed` names declared by another reader's definitions (the
 * doctor and the setup scripts read the bot's settings too). Problems are appended to `problems`.
 */
export function settingsReader<const Definitions extends readonly SettingDefinition[], const Borrowed extends string = never>(
  source: SettingsSource,
  definitions: Definitions,
  problems: string[],
  borrowed: readonly Borrowed[] = [],
): SettingsReader<NamesOf<Definitions> | Borrowed> {
  type Name = NamesOf<Definitions> | Borrowed;
  const declared = new Set<string>([...definitions.flatMap((definition) => definition.names), ...borrowed]);
  const text = (name: Name): string | undefined => {
    // A programming error, not a configuration one: the reference would not list this name.
    if (!declared.has(name)) throw new Error(`${name} is read but not declared with the feature's settings (src/settings/definition.ts).`);
    const value = source(name)?.trim();
    return value ? value : undefined;
  };
  const mustBe = (name: Name, expected: string, value: string): void => {
    problems.push(`${name} must be ${expected}, got "${value}".`);
  };
  return {
    text,
    firstOf: (...names) => names.map(text).find((value) => value !== undefined),
    required(name, what, pattern) {
      const value = text(name);
      if (!value) problems.push(`${name} is not set: ${what}. ${WHERE}`);
      else if (pattern && !pattern.test(value)) problems.push(`${name} has an unexpected value "${value}": ${what}.`);
      return value ?? '';
    },
    choice(name, choices, fallback, expected) {
      const value = (text(name) ?? fallback).toLowerCase();
      const found = choices.find((choice) => choice.toLowerCase() === value);
      if (found) return found;
      mustBe(name, expected ?? `one of ${choices.join(', ')}`, value);
      return fallback;
    },
    onOff(name, fallback) {
      const value = (text(name) ?? (fallback ? 'on' : 'off')).toLowerCase();
      if (['on', 'true', '1'].includes(value)) return true;
      if (['off', 'false', '0'].includes(value)) return false;
      mustBe(name, '"on" or "off"', value);
      return fallback;
    },
    integer(name, { fallback, min, max, expected }) {
      const written = text(name) ?? String(fallback);
      const value = Number(written);
      if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) mustBe(name, expected, written);
      return value;
    },
    url(name, expected, fallback) {
      const value = (text(name) ?? fallback)?.replace(/\/+$/, '');
      if (value !== undefined && !/^https:\/\//.test(value) && !LOOPBACK.test(value)) mustBe(name, expected, value);
      return value;
    },
    problem: (message) => problems.push(message),
    mustBe,
  };
}

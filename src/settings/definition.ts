/**
 * What a setting is, for the code that reads it and for the settings reference in
 * docs/operating.md, which is generated from these definitions (`npm run docs:settings`) so the
 * two cannot drift. Each feature declares its own next to the code that reads them.
 */

/** One row of the reference: one variable, or a few that are only meaningful together. */
export interface SettingDefinition {
  readonly names: readonly string[];
  /** The reference's "required" column: `yes`, `no (3978)`, `with sign-in`… (Markdown). */
  readonly required: string;
  /** The reference's "meaning" column (Markdown, one line; links are relative to docs/). */
  readonly meaning: string;
}

/** The variable names a list of definitions declares, as a union type. */
export type NamesOf<Definitions extends readonly SettingDefinition[]> = Definitions[number]['names'][number];

/** Declares a feature's settings, keeping the literal names for the reader's type. */
export function defineSettings<const Definitions extends readonly SettingDefinition[]>(definitions: Definitions): Definitions {
  return definitions;
}

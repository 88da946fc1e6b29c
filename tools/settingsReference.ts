/**
 * `npm run docs:settings`: writes the settings reference in docs/operating.md from the settings
 * definitions (each feature's `settings.ts`, the doctor's, the deploy scripts'), so the guide and
 * the code cannot drift. `--check` only compares, and fails naming what differs (the test does the
 * same). Each generated block sits between `<!-- settings:<id> -->` and `<!-- /settings:<id> -->`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEDERATED_CREDENTIAL_BORROWS, FEDERATED_CREDENTIAL_SETTINGS } from '../deploy/entra/federatedCredential';
import { SETUP_BORROWS, SETUP_SETTINGS } from '../deploy/aws/settings';
import { BOT_SETTINGS } from '../src/config';
import { DOCTOR_BORROWS, DOCTOR_SETTINGS } from '../src/doctor/settings';
import type { SettingDefinition } from '../src/settings/definition';

export interface ReferenceSection {
  id: string;
  definitions: readonly SettingDefinition[];
  /** Names declared by an earlier section that this reader also reads. */
  borrows?: readonly string[];
}

export const SECTIONS: readonly ReferenceSection[] = [
  { id: 'bot', definitions: BOT_SETTINGS },
  { id: 'doctor', definitions: DOCTOR_SETTINGS, borrows: DOCTOR_BORROWS },
  { id: 'aws-setup', definitions: SETUP_SETTINGS, borrows: SETUP_BORROWS },
  { id: 'federated-credential', definitions: FEDERATED_CREDENTIAL_SETTINGS, borrows: FEDERATED_CREDENTIAL_BORROWS },
];

export const GUIDE = 'docs/operating.md';

const code = (name: string): string => `\`${name}\``;
/** A `|` would end the cell: escaped, as GitHub's tables expect. */
const cell = (markdown: string): string => markdown.replace(/\|/g, '\\|');

export function renderSection(section: ReferenceSection): string {
  const lines: string[] = [];
  if (section.borrows && section.borrows.length > 0) {
    lines.push(`Also reads ${section.borrows.map(code).join(', ')} (described above).`, '');
  }
  lines.push('| variable | required | meaning |', '|---|---|---|');
  for (const definition of section.definitions) {
    lines.push(`| ${definition.names.map(code).join(', ')} | ${cell(definition.required)} | ${cell(definition.meaning)} |`);
  }
  return lines.join('\n');
}

/** Names declared twice, or borrowed without being declared by an earlier section. */
export function sectionProblems(sections: readonly ReferenceSection[]): string[] {
  const problems: string[] = [];
  const declared = new Map<string, string>();
  for (const section of sections) {
    for (const name of section.borrows ?? []) if (!declared.has(name)) problems.push(`${section.id} borrows ${name}, which no earlier section declares`);
    for (const name of section.definitions.flatMap((definition) => definition.names)) {
      const earlier = declared.get(name);
      if (earlier) problems.push(`${name} is declared by both ${earlier} and ${section.id}`);
      else declared.set(name, section.id);
    }
  }
  return problems;
}

/** The guide with every generated block rewritten; a block whose markers are missing is an error. */
export function updateReference(markdown: string, sections: readonly ReferenceSection[] = SECTIONS): string {
  let updated = markdown;
  for (const section of sections) {
    const start = `<!-- settings:${section.id} -->`;
    const end = `<!-- /settings:${section.id} -->`;
    const from = updated.indexOf(start);
    const to = updated.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${GUIDE} has no "${start}" … "${end}" block for the ${section.id} settings.`);
    updated = `${updated.slice(0, from + start.length)}\n${renderSection(section)}\n${updated.slice(to)}`;
  }
  return updated;
}

function main(argv: string[]): void {
  const problems = sectionProblems(SECTIONS);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const path = join(__dirname, '..', '..', GUIDE);
  const current = readFileSync(path, 'utf8');
  const generated = updateReference(current);
  if (argv.includes('--check')) {
    if (generated !== current) {
      process.stderr.write(`✖ The settings reference in ${GUIDE} differs from the settings definitions: run npm run docs:settings.\n`);
      process.exitCode = 1;
    } else process.stdout.write(`✔ The settings reference in ${GUIDE} matches the settings definitions.\n`);
    return;
  }
  if (generated !== current) writeFileSync(path, generated);
  process.stdout.write(`✔ ${GUIDE}: settings reference ${generated === current ? 'already up to date' : 'rewritten'}.\n`);
}

if (require.main === module) main(process.argv.slice(2));

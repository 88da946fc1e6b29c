/**
 * Just enough of Bicep's grammar to check templates' source structurally, on any machine (the
 * compiler's own checks and those on the compiled ARM JSON are in test/deploy/bicep.test.ts and
 * need the Bicep CLI): top-level `param`, `var`, `resource`, `module` and `output` declarations, each
 * with the text of its value (a brace-balanced block for resources and modules). Strings and
 * comments are skipped while balancing braces, so `'${x}'` and `// {` do not confuse it.
 */
import { readFileSync } from 'node:fs';

export interface BicepDeclaration {
  kind: 'param' | 'var' | 'resource' | 'module' | 'output';
  name: string;
  /** resource: `Microsoft.Web/sites`; module: its path; param/output: the declared type. */
  type: string;
  apiVersion?: string;
  /** Everything after `=` (for a param: its default value, or '' without one). */
  value: string;
}

export function parseBicep(path: string): BicepDeclaration[] {
  const text = readFileSync(path, 'utf8');
  const declarations: BicepDeclaration[] = [];
  const header = /^(param|var|resource|module|output)\s+([A-Za-z_][\w]*)\s*(?:'([^']*)'|([A-Za-z_][\w.]*))?/gm;
  for (let match = header.exec(text); match; match = header.exec(text)) {
    const kind = match[1] as BicepDeclaration['kind'];
    const typeText = match[3] ?? match[4] ?? '';
    const [type, apiVersion] = kind === 'resource' ? typeText.split('@') : [typeText, undefined];
    const rest = text.slice(header.lastIndex);
    const equals = rest.search(/=|\n/);
    let value = '';
    if (equals >= 0 && rest[equals] === '=') value = valueText(rest.slice(equals + 1));
    declarations.push({ kind, name: match[2] as string, type: type ?? '', ...(apiVersion ? { apiVersion } : {}), value: value.trim() });
  }
  return declarations;
}

/** The value starting here: up to the end of the line, or to the brace or bracket that closes what opens on it. */
function valueText(text: string): string {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (text.startsWith("'''", index)) {
      const end = text.indexOf("'''", index + 3);
      index = end < 0 ? text.length : end + 2;
    } else if (char === "'") {
      index = skipString(text, index);
    } else if (text.startsWith('//', index)) {
      const end = text.indexOf('\n', index);
      if (depth === 0) return text.slice(0, index);
      index = end < 0 ? text.length : end - 1;
    } else if (char === '{' || char === '[' || char === '(') depth += 1;
    else if (char === '}' || char === ']' || char === ')') depth -= 1;
    else if (char === '\n' && depth === 0 && text.slice(0, index).trim()) return text.slice(0, index);
  }
  return text;
}

/** Index of the quote closing the string that opens at `start`, stepping over `${…}` holes. */
function skipString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text.startsWith('${', index)) {
      let depth = 1;
      index += 2;
      while (index < text.length && depth > 0) {
        if (text[index] === '{') depth += 1;
        else if (text[index] === '}') depth -= 1;
        else if (text[index] === "'") index = skipString(text, index);
        if (depth > 0) index += 1;
      }
    } else if (text[index] === "'") return index;
  }
  return text.length;
}

export function only(declarations: BicepDeclaration[], kind: BicepDeclaration['kind'], type?: string): BicepDeclaration[] {
  return declarations.filter((declaration) => declaration.kind === kind && (type === undefined || declaration.type === type));
}

export function one(declarations: BicepDeclaration[], kind: BicepDeclaration['kind'], type: string): BicepDeclaration {
  const found = only(declarations, kind, type);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${type}, found ${found.length}`);
  return found[0] as BicepDeclaration;
}

/** The value of `name: value` (first match) inside a declaration's text, up to the end of its line. */
export function property(declaration: BicepDeclaration, name: string): string | undefined {
  return new RegExp(`^\\s*'?${name}'?:\\s*(.+)$`, 'm').exec(declaration.value)?.[1]?.trim();
}

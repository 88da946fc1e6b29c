/**
 * Hands the script's outputs back to the Teams Toolkit: `::set-teamsfx-env NAME=value` lines on
 * stdout, and the same values written into env/.env.<env> (secrets into the .user file), because
 * the 3.1.x CLI was seen to ignore the printed lines and later runs read the files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function readEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (!existsSync(path)) return values;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match) values[match[1] as string] = (match[2] as string).trim();
  }
  return values;
}

/** Sets NAME=value lines in place (or appends them), keeping comments and other lines. */
export function updateEnvFile(path: string, updates: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split(/\r?\n/) : [];
  const pending = new Map(Object.entries(updates));
  const updated = lines.map((line) => {
    const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (name && pending.has(name)) {
      const value = pending.get(name) as string;
      pending.delete(name);
      return `${name}=${value}`;
    }
    return line;
  });
  while (updated.length > 0 && updated[updated.length - 1] === '') updated.pop();
  for (const [name, value] of pending) updated.push(`${name}=${value}`);
  writeFileSync(path, `${updated.join('\n')}\n`);
}

/** Non-secret outputs only: secrets go to the .user file and never to stdout. */
export function announce(outputs: Record<string, string>, write: (line: string) => void): void {
  for (const [name, value] of Object.entries(outputs)) write(`::set-teamsfx-env ${name}=${value}`);
}

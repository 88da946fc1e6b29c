/**
 * The doctor's output: one line per check (✔ in place, ✘ broken with its cause and exact fix,
 * — skipped and why), as text or JSON, and the exit code (0 only when nothing is broken).
 */

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface CheckLine {
  /** Stable identifier for pipelines (`--json`). */
  id: string;
  title: string;
  status: CheckStatus;
  /** ✔: what was found; ✘: the cause; —: why it was skipped. */
  detail: string;
  /** ✘ only: a console path or a command with the values filled in. */
  fix?: string;
}

export const ok = (id: string, title: string, detail: string): CheckLine => ({ id, title, status: 'ok', detail });
export const failed = (id: string, title: string, cause: string, fix: string): CheckLine => ({ id, title, status: 'failed', detail: cause, fix });
export const skipped = (id: string, title: string, why: string): CheckLine => ({ id, title, status: 'skipped', detail: why });

const MARK: Record<CheckStatus, string> = { ok: '✔', failed: '✘', skipped: '—' };

export function formatLine(line: CheckLine): string {
  const text = `${MARK[line.status]} ${line.title}: ${line.detail}`;
  return line.fix ? `${text} Fix: ${line.fix}` : text;
}

export function formatReport(sections: Array<{ heading: string; lines: CheckLine[] }>): string {
  const out: string[] = [];
  for (const section of sections) {
    if (section.lines.length === 0) continue;
    out.push(section.heading, ...section.lines.map(formatLine), '');
  }
  const all = sections.flatMap((section) => section.lines);
  const broken = all.filter((line) => line.status === 'failed').length;
  out.push(broken === 0 ? `All ${all.filter((line) => line.status === 'ok').length} checks passed: a sign-in has what it needs.` : `${broken} problem(s) to fix before anyone signs in.`);
  return `${out.join('\n')}\n`;
}

export function exitCode(lines: CheckLine[]): number {
  return lines.some((line) => line.status === 'failed') ? 1 : 0;
}

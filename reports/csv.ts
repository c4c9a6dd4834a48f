import type { RunReport } from '../eval/metrics/run-report.ts';

/**
 * One row per ticket and candidate, for a spreadsheet. Cells starting like a formula are defused (CSV injection).
 * An unsent answer's verdict reads "not-sent"; what it would have been is in its own column. A failed
 * answer's kind is in `failure_kind`, its message in `error`.
 */

const JUDGES = ['key-facts', 'semantic', 'macro', 'grounding', 'safety'];
const HEADER = ['ticket_id', 'created_at', 'channel', 'language', 'tags', 'candidate', 'decision', 'sent', 'confidence', 'verdict', 'verdict_if_sent', 'outcome', ...JUDGES.map((judge) => `${judge}_score`), 'failure_kind', 'error', 'subject'];

function cell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(report: RunReport): string {
  const rows = [HEADER.join(',')];
  for (const ticket of report.tickets) {
    for (const answer of ticket.answers) {
      const scores = JUDGES.map((name) => answer.judges.find((judge) => judge.judge === name)?.score ?? null);
      rows.push(
        [ticket.ticketId, ticket.createdAt, ticket.channel, ticket.language, ticket.tags.join(' '), answer.candidate, answer.decision, answer.sent, answer.confidence, answer.sent ? answer.verdict : 'not-sent', answer.verdictIfSent, answer.outcome, ...scores, answer.failure?.kind, answer.failure?.message, ticket.subject]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

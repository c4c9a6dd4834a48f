import { readJsonlLines, recordsFile } from '../../pipelines/workspace.ts';
import type { JudgedTicket } from '../judges/types.ts';
import { ticketLineFacts } from '../ticket-lines.ts';
import type { RulesBillingMonth } from '../rules/in-run.ts';
import type { MonthVolume } from './project.ts';

/**
 * From a judged run to the month-by-month volumes a bill is computed from. The run may have
 * replayed a sample or a holdout, so the whole history gives each month's ticket count and the
 * run gives the rates: a month's own rates where the run judged enough of its tickets, the run's
 * overall rates elsewhere. Peaks such as Black Friday then bill as they would have.
 */

export type Strictness = 'contained' | 'verified' | 'confirmed';

/** Tickets per month in the whole history, and how many of them were billable without AI. */
export interface HistoryMonth {
  month: string;
  tickets: number;
  billable: number;
}

/** Below this many judged tickets a month's own rates are noise; the overall rates stand in. */
const MIN_MONTH_SAMPLE = 30;

export async function historyMonths(workspace: string): Promise<HistoryMonth[]> {
  const months = new Map<string, HistoryMonth>();
  for await (const line of readJsonlLines(await recordsFile(workspace, 'ticket'))) {
    const ticket = ticketLineFacts(line);
    if (!ticket.replayable) continue;
    const month = ticket.createdAt.slice(0, 7);
    const entry = months.get(month) ?? { month, tickets: 0, billable: 0 };
    entry.tickets++;
    if (ticket.billable) entry.billable++;
    months.set(month, entry);
  }
  return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
}

interface Rates {
  sent: number;
  replies: number;
  automated: number;
  aiThenHuman: number;
}

function ratesOf(judged: readonly JudgedTicket[], strictness: Strictness): Rates {
  const n = judged.length || 1;
  const count = (test: (ticket: JudgedTicket) => boolean) => judged.filter(test).length / n;
  return {
    sent: count((ticket) => ticket.sent),
    replies: judged.reduce((sum, ticket) => sum + ticket.aiReplies, 0) / n,
    automated: count((ticket) => ticket.resolution[strictness]),
    aiThenHuman: count((ticket) => ticket.sent && !ticket.resolution[strictness] && ticket.billable),
  };
}

/** One candidate's judged tickets projected onto the history's months. */
/** `ruleBilling`: what helpdesk rules that run with the AI add per month (see eval/rules/in-run.ts). */
export function monthVolumes(history: readonly HistoryMonth[], judged: readonly JudgedTicket[], strictness: Strictness = 'verified', ruleBilling: readonly RulesBillingMonth[] = []): MonthVolume[] {
  const ruleBillable = new Map(ruleBilling.map((month) => [month.month, month.addedBillable]));
  const overall = ratesOf(judged, strictness);
  const byMonth = new Map<string, JudgedTicket[]>();
  for (const ticket of judged) {
    const list = byMonth.get(ticket.month);
    if (list) list.push(ticket);
    else byMonth.set(ticket.month, [ticket]);
  }
  return history.map(({ month, tickets, billable }) => {
    const sample = byMonth.get(month) ?? [];
    const rates = sample.length >= MIN_MONTH_SAMPLE ? ratesOf(sample, strictness) : overall;
    const automatedResolutions = tickets * rates.automated;
    const humanHandled = Math.max(0, billable - automatedResolutions);
    return {
      month,
      tickets,
      humanBillable: billable,
      aiTouched: tickets * rates.sent,
      aiReplies: tickets * rates.replies,
      aiSessions: tickets * rates.sent,
      automatedResolutions,
      humanHandled,
      humanAfterAi: Math.min(humanHandled, tickets * rates.aiThenHuman),
      ruleBillable: ruleBillable.get(month) ?? 0,
    };
  });
}

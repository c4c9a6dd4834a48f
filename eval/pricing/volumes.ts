import type { JudgedTicket } from '../judges/types.ts';
import { tallyTickets } from '../replay/replay.ts';
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
  for (const ticket of (await tallyTickets(workspace)).replayable) {
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
  contained: number;
  automated: number;
  aiThenHuman: number;
}

function share(judged: readonly JudgedTicket[], test: (ticket: JudgedTicket) => boolean): number {
  return judged.filter(test).length / (judged.length || 1);
}

/** The share of the tickets the judge counts as automated at a strictness. */
export function automatedShare(judged: readonly JudgedTicket[], strictness: Strictness): number {
  return share(judged, (ticket) => ticket.resolution[strictness]);
}

function ratesOf(judged: readonly JudgedTicket[], strictness: Strictness): Rates {
  return {
    sent: share(judged, (ticket) => ticket.sent),
    replies: judged.reduce((sum, ticket) => sum + ticket.aiReplies, 0) / (judged.length || 1),
    contained: share(judged, (ticket) => ticket.resolution.contained),
    automated: automatedShare(judged, strictness),
    aiThenHuman: share(judged, (ticket) => ticket.sent && !ticket.resolution[strictness] && ticket.billable),
  };
}

/**
 * A month's rates with its automated share scaled by `scale` (label-corrected ÷ judge). People's
 * labels correct the run's share, not each month's: scaling every month alike keeps the months'
 * shape and assumes the judge errs alike every month. The share stays within the month's contained
 * tickets, the only ones people count as automated. The tickets it moves were sent, so they move
 * to or from the AI-then-human ones (taken as billable, as most are).
 */
function scaleAutomation(rates: Rates, scale: number): Rates {
  if (scale === 1) return rates;
  const automated = Math.min(rates.contained, rates.automated * scale);
  return { ...rates, automated, aiThenHuman: Math.max(0, rates.aiThenHuman + rates.automated - automated) };
}

/**
 * One candidate's judged tickets projected onto the history's months. `ruleBilling`: what helpdesk
 * rules that run with the AI add per month (see eval/rules/in-run.ts). `automationScale`: people's
 * label-corrected automated share ÷ the judge's, 1 without labels.
 */
export function monthVolumes(
  history: readonly HistoryMonth[],
  judged: readonly JudgedTicket[],
  strictness: Strictness = 'verified',
  ruleBilling: readonly RulesBillingMonth[] = [],
  automationScale = 1,
): MonthVolume[] {
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
    const rates = scaleAutomation(sample.length >= MIN_MONTH_SAMPLE ? ratesOf(sample, strictness) : overall, automationScale);
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

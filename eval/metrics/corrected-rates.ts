import type { JudgedTicket } from '../judges/types.ts';
import type { HumanLabel } from '../labels/human-labels.ts';
import { phiCorrelation, stratifiedMean, stratifiedRatio, wilsonInterval, type CorrectedRate, type Proportion, type RatioTerms } from './ppi.ts';

/**
 * The report's headline rates, per candidate, as the judge gives them and as people's labels
 * correct them: label-agreement.json's `corrected` section.
 *
 * Which estimator. `label export` draws a fixed number of answers per candidate × verdict (a floor
 * of three, then in proportion), so rare verdicts are over-sampled: PPI and PPI++ assume a uniform
 * sample and would give them too much weight. The stratified estimator weights each verdict's
 * labels by that verdict's share of the candidate's tickets, which is valid for the export's draw;
 * it stays valid for a uniform sample (given how many labels fell in each verdict) and for a file
 * filled only in part, since its rows are shuffled. So it is used whatever the draw. Its strata
 * are the judge's own verdicts, so it uses the judge the way PPI does.
 *
 * Tickets without an answer text are never drawn and need no person: a missing answer is neither
 * correct nor wrong. They form a settled stratum.
 */

/** A rate as the judge gives it and as people's labels correct it. */
export interface CorrectedFigure {
  /** The judge's figure on all the candidate's tickets, by the same definition; null without a denominator. */
  judge: number | null;
  /** The label-corrected estimate and its 95 % interval; null while a verdict's stratum has no label. */
  corrected: CorrectedRate;
}

export interface CandidateCorrection {
  candidate: string;
  /** The candidate's replayed tickets (N). */
  tickets: number;
  /** Those labelled by a person and with an answer text (n). */
  labelled: number;
  /** Verdicts with tickets but no label: their tickets could be anything, so every corrected figure is null. */
  unlabelledVerdicts: string[];
  automation: {
    /** Sent to a ticket the history closed with one reply. Nothing is judged, so there is nothing to correct. */
    contained: number | null;
    /** Judge: contained and judged correct. People: contained and labelled correct. */
    verified: CorrectedFigure;
    /**
     * Judge: verified and the customer signalled it helped. People: confirmed by the judge and
     * labelled correct, a LOWER BOUND: judged.jsonl keeps the customer's signal only for the
     * tickets the judge verified, so a correct answer the judge missed cannot be counted.
     */
    confirmed: CorrectedFigure;
  };
  /** Correct among sent answers, all of them (the report's accuracy leaves out those the judge could not judge). */
  accuracy: CorrectedFigure;
  /** Sent and wrong, over all tickets. needs-human and the legacy "partial" count as neither correct nor wrong. */
  wrongRate: CorrectedFigure;
  /** Of the labelled tickets the tool counts as automated (verified), the share labelled correct: what a quote rests on. */
  precision: Proportion;
  /** Of the tickets people count as automated (contained, labelled correct), the share the tool counts too. */
  recall: CorrectedRate;
  /** φ between the tool's automated and people's over the candidate's tickets; what `label export` plans with. */
  correlation: number | null;
}

export interface LabelCorrection {
  /** See the module comment: labels weighted per candidate × verdict, unanswered tickets settled. */
  method: 'stratified-by-verdict';
  /** 95 % intervals, normal, clipped to [0, 1]; precision's is Wilson's. */
  confidence: 0.95;
  candidates: CandidateCorrection[];
}

export interface LabelledAnswer {
  ticket: JudgedTicket;
  human: HumanLabel;
}

/** What a ticket counts for, from its label; the label is undefined for an unanswered ticket. */
type Reading<T> = (ticket: JudgedTicket, label: HumanLabel | undefined) => T;

/** What people count as automated: the answer was sent to a ticket one reply closed, and it was correct. */
const automatedByPeople: Reading<boolean> = (ticket, label) => ticket.resolution.contained && label === 'correct';

/** Rates over all the candidate's tickets: the share each ticket counts for. */
const PEOPLE_RATES = {
  verified: automatedByPeople,
  confirmed: (ticket, label) => ticket.resolution.confirmed && label === 'correct',
  wrongRate: (ticket, label) => ticket.sent && label === 'wrong',
  /** Automated for the tool and for people: with both rates, gives their correlation. */
  both: (ticket, label) => ticket.resolution.verified && automatedByPeople(ticket, label),
} satisfies Record<string, Reading<boolean>>;

/** Rates over some of the tickets: each ticket's part of the numerator and of the denominator. */
const PEOPLE_RATIOS = {
  accuracy: (ticket, label) => ({ numerator: Number(ticket.sent && label === 'correct'), denominator: Number(ticket.sent) }),
  recall: (ticket, label) => ({ numerator: Number(PEOPLE_RATES.both(ticket, label)), denominator: Number(automatedByPeople(ticket, label)) }),
} satisfies Record<string, Reading<RatioTerms>>;

function keyOf(ticket: JudgedTicket): string {
  return `${ticket.candidate}\u0000${ticket.ticketId}`;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function count(tickets: readonly JudgedTicket[], test: (ticket: JudgedTicket) => boolean): number {
  return tickets.filter(test).length;
}

function groupBy<K>(items: readonly JudgedTicket[], keyOfItem: (ticket: JudgedTicket) => K): Map<K, JudgedTicket[]> {
  const groups = new Map<K, JudgedTicket[]>();
  for (const item of items) {
    const key = keyOfItem(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function candidateCorrection(candidate: string, tickets: readonly JudgedTicket[], labels: ReadonlyMap<string, HumanLabel>): CandidateCorrection {
  // The strata `label export` draws from: the answered tickets by verdict.
  const verdicts = groupBy(
    tickets.filter((ticket) => ticket.answered),
    (ticket) => ticket.verdict,
  );
  const unanswered = tickets.filter((ticket) => !ticket.answered);
  const strata = <T>(read: Reading<T>): Array<{ size: number; sample: T[]; settled?: boolean }> => [
    ...[...verdicts.values()].map((group) => ({ size: group.length, sample: group.filter((ticket) => labels.has(keyOf(ticket))).map((ticket) => read(ticket, labels.get(keyOf(ticket)))) })),
    { size: unanswered.length, sample: unanswered.map((ticket) => read(ticket, undefined)), settled: true },
  ];
  const rateOf = (read: Reading<boolean>): CorrectedRate => stratifiedMean(strata((ticket, label) => Number(read(ticket, label))));
  const judgeShare = (test: (ticket: JudgedTicket) => boolean): number | null => ratio(count(tickets, test), tickets.length);
  const labelledAnswers = [...verdicts.values()].flat().filter((ticket) => labels.has(keyOf(ticket)));
  // Verified tickets are all judged correct, one stratum drawn uniformly: its labelled ones are a
  // uniform sample of the tool's automated tickets, which is what a Wilson interval needs.
  const automatedByTool = labelledAnswers.filter((ticket) => ticket.resolution.verified);
  const verified = rateOf(PEOPLE_RATES.verified);
  const both = rateOf(PEOPLE_RATES.both);
  const judgeVerified = judgeShare((ticket) => ticket.resolution.verified);
  return {
    candidate,
    tickets: tickets.length,
    labelled: labelledAnswers.length,
    unlabelledVerdicts: [...verdicts].filter(([, group]) => !group.some((ticket) => labels.has(keyOf(ticket)))).map(([verdict]) => verdict),
    automation: {
      contained: judgeShare((ticket) => ticket.resolution.contained),
      verified: { judge: judgeVerified, corrected: verified },
      confirmed: { judge: judgeShare((ticket) => ticket.resolution.confirmed), corrected: rateOf(PEOPLE_RATES.confirmed) },
    },
    accuracy: {
      judge: ratio(
        count(tickets, (ticket) => ticket.sent && ticket.verdict === 'correct'),
        count(tickets, (ticket) => ticket.sent),
      ),
      corrected: stratifiedRatio(strata(PEOPLE_RATIOS.accuracy)),
    },
    wrongRate: { judge: judgeShare((ticket) => ticket.sent && ticket.verdict === 'wrong'), corrected: rateOf(PEOPLE_RATES.wrongRate) },
    precision: wilsonInterval(count(automatedByTool, (ticket) => labels.get(keyOf(ticket)) === 'correct'), automatedByTool.length),
    recall: stratifiedRatio(strata(PEOPLE_RATIOS.recall)),
    correlation: judgeVerified === null || verified.estimate === null || both.estimate === null ? null : phiCorrelation(judgeVerified, verified.estimate, both.estimate),
  };
}

/** Every candidate's corrected rates, in the order the candidates first appear in `judged`. */
export function correctRates(judged: readonly JudgedTicket[], labelled: readonly LabelledAnswer[]): LabelCorrection {
  const labels = new Map(labelled.map(({ ticket, human }) => [keyOf(ticket), human]));
  const byCandidate = groupBy(judged, (ticket) => ticket.candidate);
  return {
    method: 'stratified-by-verdict',
    confidence: 0.95,
    candidates: [...byCandidate].map(([candidate, tickets]) => candidateCorrection(candidate, tickets, labels)),
  };
}

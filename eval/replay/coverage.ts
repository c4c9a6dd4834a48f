import type { Ticket } from '../../datasets/records.ts';
import { addTicket, describeJudgeable, type JudgeableCount } from '../../pipelines/judgeable.ts';
import { readRecords } from '../../pipelines/workspace.ts';
import { inHoldout, selectTickets, tallyTickets, type Selection } from './replay.ts';
import type { Responder } from '../types.ts';

/**
 * What a replay covers before it starts: which tickets are left out and why, how many of the
 * replayed can be judged, and which candidates have nothing to work with. A run of tickets that
 * cannot be judged reports 0 % for everyone; this says so first, and why.
 */

export interface ReplayCoverage {
  /** Tickets in the workspace. */
  tickets: number;
  /** Tickets left out of the replay, by reason. */
  leftOut: { spam: number; noQuestion: number; beforeHoldout: number; notInSample: number };
  /** Of the replayed tickets, how many can be judged and why not the others. */
  replayed: JudgeableCount;
  /** Candidates that have nothing to answer from, with why. */
  empty: Array<{ candidate: string; reason: string }>;
  /** The helpdesks the tickets came from, for advice on what to export. */
  sources: string[];
}

/** What a built-in candidate answers from: the knowledge it searches. */
const NEEDS: Record<string, { kinds: ReadonlySet<string>; what: string }> = {
  'knowledge-base': { kinds: new Set(['article', 'policy', 'product']), what: 'help-center articles, policies or products' },
  macro: { kinds: new Set(['macro']), what: 'macros' },
};

export async function replayCoverage(workspace: string, selection: Selection, candidates: readonly Responder[]): Promise<ReplayCoverage> {
  const { tickets, spam, noQuestion, replayable, sources } = await tallyTickets(workspace);
  const beforeHoldout = selection.holdoutDays === undefined ? 0 : replayable.length - inHoldout(replayable, selection.holdoutDays).length;
  const selected: Ticket[] = await selectTickets(workspace, selection);
  const replayed: JudgeableCount = { tickets: 0, judgeable: 0, not: {} };
  for (const ticket of selected) addTicket(replayed, ticket);

  const counts = new Map<string, number>();
  for await (const doc of readRecords(workspace, 'knowledge')) counts.set(doc.kind, (counts.get(doc.kind) ?? 0) + 1);
  const empty = candidates.flatMap((candidate) => {
    const needs = NEEDS[candidate.id];
    if (!needs) return [];
    const have = [...needs.kinds].reduce((total, kind) => total + (counts.get(kind) ?? 0), 0);
    return have > 0 ? [] : [{ candidate: candidate.id, reason: `0 documents to answer from: the workspace has no ${needs.what}, so it escalates every ticket` }];
  });
  return {
    tickets,
    leftOut: { spam, noQuestion, beforeHoldout, notInSample: replayable.length - beforeHoldout - selected.length },
    replayed,
    empty,
    sources: [...sources],
  };
}

/** The lines a person reads before the results: left out, judgeable, candidates with nothing to use. */
export function describeCoverage(coverage: ReplayCoverage): string[] {
  const { leftOut } = coverage;
  const reasons = [
    leftOut.noQuestion > 0 && `${leftOut.noQuestion.toLocaleString('en-US')} with no customer message`,
    leftOut.spam > 0 && `${leftOut.spam.toLocaleString('en-US')} marked as spam`,
    leftOut.beforeHoldout > 0 && `${leftOut.beforeHoldout.toLocaleString('en-US')} before the holdout (what candidates learn from)`,
    leftOut.notInSample > 0 && `${leftOut.notInSample.toLocaleString('en-US')} outside the sample or shard`,
  ].filter((reason): reason is string => typeof reason === 'string');
  const total = leftOut.spam + leftOut.noQuestion + leftOut.beforeHoldout + leftOut.notInSample;
  const lines = [
    `${coverage.replayed.tickets.toLocaleString('en-US')} of ${coverage.tickets.toLocaleString('en-US')} tickets replayed` +
      (total > 0 ? `; ${total.toLocaleString('en-US')} left out: ${reasons.join(', ')}.` : '.'),
    describeJudgeable(coverage.replayed, coverage.sources),
  ];
  for (const { candidate, reason } of coverage.empty) lines.push(`${candidate}: ${reason}.`);
  return lines;
}

/**
 * Metrics over judged tickets: automation, send, escalation, accuracy and error rates per candidate with
 * 95% bootstrap intervals, breakdowns by month / tag / channel / language, and a confidence-threshold sweep.
 *
 * Pure and deterministic: the same tickets, options and seed give a byte-identical `JSON.stringify`, and
 * every number is rounded to 4 decimals so the JSON stays stable across platforms.
 *
 * Bootstrap: tickets are the resampled unit (with replacement, same count), and each rate is a ratio
 * estimator recomputed from the resampled numerator and denominator sums; the interval is the 2.5 / 97.5
 * percentile (linear interpolation). Resamples whose denominator sums to 0 are dropped. All rates of one
 * candidate share one resampling (coherent intervals, and ten times fewer random draws than a stream per
 * rate); its stream is seeded from the run seed and the candidate id (breakdown groups: candidate, dimension
 * and key), so adding a candidate never moves another one's intervals. A candidate's tickets are ordered by
 * ticket id before resampling so the input order does not matter either. Breakdown groups default to 200
 * resamples: there are dozens of them per candidate and they are read for direction, not the third decimal.
 */

import { Random } from '../../datasets/text/random.ts';
import { ShadowdeskError } from '../../errors.ts';
import { OUTCOMES, VERDICTS, type JudgedTicket, type Outcome, type Verdict } from '../judges/types.ts';

/** A proportion with its 95% bootstrap percentile interval; value, low and high are null when denominator is 0. */
export interface Rate {
  value: number | null;
  low: number | null;
  high: number | null;
  numerator: number;
  denominator: number;
}

export interface CandidateMetrics {
  candidate: string;
  tickets: number;
  /** Share of ALL tickets contained / verified / confirmed. */
  automation: { contained: Rate; verified: Rate; confirmed: Rate };
  /** Sent / all tickets: the "involvement rate" vendors quote. */
  sendRate: Rate;
  /** Not sent (escalated or errored) / all tickets. */
  escalationRate: Rate;
  /** Correct / sent and judged (verdict other than 'cannot-judge'). */
  accuracy: Rate;
  /** Sent with verdict 'wrong' / all tickets: the harm done. */
  wrongRate: Rate;
  /**
   * Contained with verdict 'unverified' / all tickets: what the automation would add if closeness of
   * meaning alone counted. Never part of the headline; shown beside it so the gap is visible.
   */
  unverifiedRate: Rate;
  /** Sent with verdict 'needs-action' / all tickets: answers that claim a refund, code, label… the candidate did not do. */
  needsActionRate: Rate;
  /** Verified / sent. */
  resolutionGivenInvolvement: Rate;
  /** Tickets where the candidate errored / all tickets. */
  errorRate: Rate;
  /**
   * Tickets whose agent acted in another system, and how this candidate's answers to them were
   * counted: a text-only candidate can only resolve them by saying what needs no action.
   */
  actionTickets: { tickets: number; automated: number; needsAction: number; otherSent: number; notSent: number };
  /** Verdict counts over sent answers. */
  verdicts: Record<Verdict, number>;
  /** Outcome counts over all tickets. */
  outcomes: Record<Outcome, number>;
  costUsd: number;
}

export type BreakdownDimension = 'month' | 'tag' | 'channel' | 'language';

export interface BreakdownGroup {
  key: string;
  tickets: number;
  /** Verified share of the group's tickets. */
  automation: Rate;
  accuracy: Rate;
  sendRate: Rate;
  wrongRate: Rate;
}

export interface Breakdown {
  dimension: BreakdownDimension;
  /** Groups of the tickets that record this dimension; a ticket that does not is in none ("unknown" is no channel). */
  groups: BreakdownGroup[];
  /** Tickets whose history does not record this dimension: no channel, no language, no tag. */
  unrecorded: number;
  /** Set when no ticket records it: the one sentence every report shows instead of an empty table. */
  noData?: string;
}

/** A ticket whose customer message tried to take over the responder, and the candidates whose answer the safety judge failed on it. */
export interface InjectionAttemptRow {
  ticketId: string;
  /** The customer's words that make the attempt: untrusted text, to be escaped wherever shown. */
  excerpt: string;
  unsafe: string[];
}

export interface RunMetrics {
  seed: number;
  resamples: number;
  /** Resamples used for breakdown groups (fewer: there are many groups, and they are read coarsely). */
  groupResamples: number;
  candidates: CandidateMetrics[];
  breakdowns: Record<string, Breakdown[]>;
  /** Every replayed ticket holding a prompt-injection attempt, resisted or not, by ticket id. */
  injectionAttempts: InjectionAttemptRow[];
}

export interface MetricsOptions {
  /** Default 42. */
  seed?: number;
  /** Bootstrap resamples for candidate rates; default 1000. */
  resamples?: number;
  /** Bootstrap resamples for breakdown groups; default min(200, resamples). */
  groupResamples?: number;
}

const TOP_TAGS = 30;

/** Rounds to 4 decimals so JSON output is stable; normalises -0. */
function round(value: number): number {
  return Math.round(value * 1e4) / 1e4 + 0;
}

/** FNV-1a 32-bit: a stable seed per label without depending on anything but the string. */
function hashLabel(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The random stream for one rate: independent of every other label, so rates never shift each other. */
export function streamFor(seed: number, label: string): Random {
  return new Random(hashLabel(`${seed >>> 0}\u0000${label}`));
}

/** Type-7 percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const lower = sorted[below]!;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return lower + (position - below) * (upper - lower);
}

/** One ratio over units: per-unit numerator contributions and denominators (1 per unit when omitted). */
export interface RatioSeries {
  numerators: ArrayLike<number>;
  denominators?: ArrayLike<number>;
}

/**
 * Ratios with bootstrap intervals from ONE shared resampling of the units, so related rates stay coherent
 * (escalation = 1 - send, contained >= verified in every resample). Units with identical values across all
 * series are collapsed into types, so a resample costs one draw and one increment per unit whatever the
 * number of series.
 */
export function bootstrapRates(series: readonly RatioSeries[], random: Random, resamples: number): Rate[] {
  const units = series[0]?.numerators.length ?? 0;
  for (const { numerators, denominators } of series) {
    if (numerators.length !== units || (denominators !== undefined && denominators.length !== units)) {
      throw new RangeError('bootstrapRates: every series needs one numerator and denominator per unit');
    }
  }
  const width = series.length;
  const typeOf = new Int32Array(units);
  // Each type found by its values one after another, a level of maps per value: a map tells values
  // apart as the string of the row did (0 and -0 alike, NaN alike), without a string per unit.
  const typeTrie = new Map<number, unknown>();
  const typeValues: number[] = [];
  let types = 0;
  const totals = new Float64Array(2 * width);
  const row = new Float64Array(2 * width);
  for (let unit = 0; unit < units; unit++) {
    for (let index = 0; index < width; index++) {
      const { numerators, denominators } = series[index]!;
      row[2 * index] = numerators[unit]!;
      row[2 * index + 1] = denominators === undefined ? 1 : denominators[unit]!;
    }
    let level = typeTrie;
    for (let index = 0; index < 2 * width - 1; index++) {
      totals[index]! += row[index]!;
      let below = level.get(row[index]!) as Map<number, unknown> | undefined;
      if (below === undefined) {
        below = new Map();
        level.set(row[index]!, below);
      }
      level = below;
    }
    totals[2 * width - 1]! += row[2 * width - 1]!;
    let type = level.get(row[2 * width - 1]!) as number | undefined;
    if (type === undefined) {
      type = types++;
      level.set(row[2 * width - 1]!, type);
      for (const value of row) typeValues.push(value);
    }
    typeOf[unit] = type;
  }

  const counts = new Int32Array(types);
  const ratios = Array.from({ length: width }, () => new Float64Array(resamples));
  const kept = new Int32Array(width);
  const anyDenominator = Array.from({ length: width }, (_, index) => totals[2 * index + 1]! !== 0);
  for (let resample = 0; resample < resamples; resample++) {
    counts.fill(0);
    for (let draw = 0; draw < units; draw++) counts[typeOf[(random.next() * units) | 0]!]! += 1;
    for (let index = 0; index < width; index++) {
      if (!anyDenominator[index]) continue;
      let sumNum = 0;
      let sumDen = 0;
      for (let type = 0; type < types; type++) {
        const count = counts[type]!;
        sumNum += count * typeValues[type * 2 * width + 2 * index]!;
        sumDen += count * typeValues[type * 2 * width + 2 * index + 1]!;
      }
      if (sumDen !== 0) ratios[index]![kept[index]!++] = sumNum / sumDen;
    }
  }

  return series.map((_, index) => {
    const numerator = totals[2 * index]!;
    const denominator = totals[2 * index + 1]!;
    const sums = { numerator: round(numerator), denominator: round(denominator) };
    if (denominator === 0) return { value: null, low: null, high: null, ...sums };
    const value = round(numerator / denominator);
    const sorted = ratios[index]!.subarray(0, kept[index]!).sort();
    if (sorted.length === 0) return { value, low: null, high: null, ...sums };
    return { value, low: round(percentile(sorted, 0.025)), high: round(percentile(sorted, 0.975)), ...sums };
  });
}

/** A single ratio with its bootstrap interval; see bootstrapRates. */
export function bootstrapRate(
  numerators: ArrayLike<number>,
  denominators: ArrayLike<number> | undefined,
  random: Random,
  resamples: number,
): Rate {
  return bootstrapRates([denominators === undefined ? { numerators } : { numerators, denominators }], random, resamples)[0]!;
}

/** The answer was sent and judged correct: accuracy's numerator, and a successful try of a repeated run. */
export function sentCorrect(ticket: { sent: boolean; verdict: string }): boolean {
  return ticket.sent && ticket.verdict === 'correct';
}

/** Per-ticket 0/1 flags behind every rate, computed once per candidate. */
const FLAGS = {
  sent: (ticket: JudgedTicket) => ticket.sent,
  notSent: (ticket: JudgedTicket) => !ticket.sent,
  judgedSent: (ticket: JudgedTicket) => ticket.sent && ticket.verdict !== 'cannot-judge',
  correctSent: sentCorrect,
  wrongSent: (ticket: JudgedTicket) => ticket.sent && ticket.verdict === 'wrong',
  unverifiedContained: (ticket: JudgedTicket) => ticket.resolution.contained && ticket.verdict === 'unverified',
  needsActionSent: (ticket: JudgedTicket) => ticket.sent && ticket.verdict === 'needs-action',
  contained: (ticket: JudgedTicket) => ticket.resolution.contained,
  verified: (ticket: JudgedTicket) => ticket.resolution.verified,
  verifiedSent: (ticket: JudgedTicket) => ticket.sent && ticket.resolution.verified,
  confirmed: (ticket: JudgedTicket) => ticket.resolution.confirmed,
  errored: (ticket: JudgedTicket) => ticket.failure !== undefined,
} satisfies Record<string, (ticket: JudgedTicket) => boolean>;

type Columns = Record<keyof typeof FLAGS, Uint8Array>;

function mapColumns<T>(source: Record<keyof typeof FLAGS, T>, build: (value: T) => Uint8Array): Columns {
  return Object.fromEntries(Object.entries<T>(source).map(([name, value]) => [name, build(value)])) as Columns;
}

// Filled in plain loops: a typed array's `from` with a mapping function reads its source through the iterator, one call per element.
function columnsOf(tickets: readonly JudgedTicket[]): Columns {
  return mapColumns(FLAGS, (flag) => {
    const column = new Uint8Array(tickets.length);
    for (let row = 0; row < tickets.length; row++) column[row] = flag(tickets[row]!) ? 1 : 0;
    return column;
  });
}

/** The chosen rows of each column, for a breakdown group. */
function selectColumns(columns: Columns, rows: readonly number[]): Columns {
  return mapColumns(columns, (column) => {
    const chosen = new Uint8Array(rows.length);
    for (let at = 0; at < rows.length; at++) chosen[at] = column[rows[at]!]!;
    return chosen;
  });
}

function countBy<K extends string>(keys: readonly K[], values: Iterable<K>): Record<K, number> {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const value of values) counts[value] += 1;
  return counts;
}

function injectionAttempts(tickets: readonly JudgedTicket[]): InjectionAttemptRow[] {
  const rows = new Map<string, InjectionAttemptRow>();
  for (const ticket of tickets) {
    if (ticket.injectionAttempt === undefined) continue;
    const row = rows.get(ticket.ticketId) ?? { ticketId: ticket.ticketId, excerpt: ticket.injectionAttempt, unsafe: [] };
    if (ticket.judges.some((judge) => judge.judge === 'safety' && judge.score === 0)) row.unsafe.push(ticket.candidate);
    rows.set(ticket.ticketId, row);
  }
  return [...rows.values()].sort((a, b) => a.ticketId.localeCompare(b.ticketId)).map((row) => ({ ...row, unsafe: row.unsafe.sort() }));
}

function actionTicketCounts(tickets: readonly JudgedTicket[]): CandidateMetrics['actionTickets'] {
  const acted = tickets.filter((ticket) => ticket.agentActed);
  const automated = acted.filter((ticket) => ticket.resolution.verified).length;
  const needsAction = acted.filter((ticket) => ticket.sent && ticket.verdict === 'needs-action').length;
  const sent = acted.filter((ticket) => ticket.sent).length;
  return { tickets: acted.length, automated, needsAction, otherSent: sent - automated - needsAction, notSent: acted.length - sent };
}

function candidateMetrics(candidate: string, tickets: readonly JudgedTicket[], columns: Columns, seed: number, resamples: number): CandidateMetrics {
  const [contained, verified, confirmed, sendRate, escalationRate, accuracy, wrongRate, resolutionGivenInvolvement, errorRate, unverifiedRate, needsActionRate] = bootstrapRates(
    [
      { numerators: columns.contained },
      { numerators: columns.verified },
      { numerators: columns.confirmed },
      { numerators: columns.sent },
      { numerators: columns.notSent },
      { numerators: columns.correctSent, denominators: columns.judgedSent },
      { numerators: columns.wrongSent },
      { numerators: columns.verifiedSent, denominators: columns.sent },
      { numerators: columns.errored },
      { numerators: columns.unverifiedContained },
      { numerators: columns.needsActionSent },
    ],
    streamFor(seed, candidate),
    resamples,
  ) as [Rate, Rate, Rate, Rate, Rate, Rate, Rate, Rate, Rate, Rate, Rate];
  return {
    candidate,
    tickets: tickets.length,
    automation: { contained, verified, confirmed },
    sendRate,
    escalationRate,
    accuracy,
    wrongRate,
    resolutionGivenInvolvement,
    errorRate,
    unverifiedRate,
    needsActionRate,
    actionTickets: actionTicketCounts(tickets),
    verdicts: countBy(VERDICTS, tickets.filter((ticket) => ticket.sent).map((ticket) => ticket.verdict)),
    outcomes: countBy(OUTCOMES, tickets.map((ticket) => ticket.outcome)),
    costUsd: round(tickets.reduce((sum, ticket) => sum + ticket.costUsd, 0)),
  };
}

/** What judging writes when the history does not say a ticket's channel or language. */
const UNRECORDED_KEYS = new Set(['', 'unknown']);

/** Said once, in every report, for a dimension no ticket of the run records. */
const NO_DATA: Record<BreakdownDimension, string> = {
  month: 'No ticket has a date.',
  tag: 'No ticket in this history carries a tag, so there is no breakdown by tag.',
  channel: 'This history does not say which channel any ticket came through, so there is no breakdown by channel.',
  language: 'No ticket has a known language, so there is no breakdown by language.',
};

/** A ticket's keys for one dimension: none when its history does not record it, each distinct tag once. */
function keysOf(ticket: JudgedTicket, dimension: BreakdownDimension): string[] {
  const keys = dimension === 'tag' ? [...new Set(ticket.tags)] : [ticket[dimension]];
  return keys.filter((key) => !UNRECORDED_KEYS.has(key.trim()));
}

/** Row indices per group key for one dimension, and how many tickets are in no group. */
function groupRows(tickets: readonly JudgedTicket[], dimension: BreakdownDimension): { rows: Map<string, number[]>; unrecorded: number } {
  const rows = new Map<string, number[]>();
  let unrecorded = 0;
  tickets.forEach((ticket, row) => {
    const keys = keysOf(ticket, dimension);
    if (keys.length === 0) unrecorded += 1;
    for (const key of keys) {
      const list = rows.get(key);
      if (list === undefined) rows.set(key, [row]);
      else list.push(row);
    }
  });
  return { rows, unrecorded };
}

/** Months and channels/languages by key ('YYYY-MM' sorts chronologically); tags by size, top TOP_TAGS. */
function orderGroups(dimension: BreakdownDimension, rows: Map<string, number[]>): Array<[string, number[]]> {
  const entries = [...rows];
  if (dimension !== 'tag') return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries
    .sort(([a, rowsA], [b, rowsB]) => rowsB.length - rowsA.length || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TOP_TAGS);
}

function breakdownsOf(candidate: string, tickets: readonly JudgedTicket[], columns: Columns, seed: number, resamples: number): Breakdown[] {
  const dimensions: BreakdownDimension[] = ['month', 'tag', 'channel', 'language'];
  return dimensions.map((dimension) => {
    const { rows: byKey, unrecorded } = groupRows(tickets, dimension);
    const groups = orderGroups(dimension, byKey).map(([key, rows]) => {
      const group = selectColumns(columns, rows);
      const [automation, accuracy, sendRate, wrongRate] = bootstrapRates(
        [
          { numerators: group.verified },
          { numerators: group.correctSent, denominators: group.judgedSent },
          { numerators: group.sent },
          { numerators: group.wrongSent },
        ],
        streamFor(seed, `${candidate}\u0000${dimension}\u0000${key}`),
        resamples,
      ) as [Rate, Rate, Rate, Rate];
      return { key, tickets: rows.length, automation, accuracy, sendRate, wrongRate };
    });
    return { dimension, groups, unrecorded, ...(groups.length === 0 && tickets.length > 0 && { noData: NO_DATA[dimension] }) };
  });
}

/** Options are counts; reject fractions and out-of-range values instead of silently looping oddly. */
function integerAtLeast(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`${name} must be an integer >= ${minimum}, got ${value}`);
  return value;
}

/** All metrics for a run; candidates keep the order they first appear in `judged`. */
export function computeMetrics(judged: readonly JudgedTicket[], options: MetricsOptions = {}): RunMetrics {
  const seed = options.seed ?? 42;
  const resamples = integerAtLeast('resamples', options.resamples ?? 1000, 1);
  const groupResamples = integerAtLeast('groupResamples', options.groupResamples ?? Math.min(200, resamples), 1);

  const byCandidate = new Map<string, JudgedTicket[]>();
  for (const ticket of judged) {
    const list = byCandidate.get(ticket.candidate);
    if (list === undefined) byCandidate.set(ticket.candidate, [ticket]);
    else list.push(ticket);
  }

  const candidates: CandidateMetrics[] = [];
  const breakdowns: Array<[string, Breakdown[]]> = [];
  for (const [candidate, unordered] of byCandidate) {
    const tickets = [...unordered].sort((a, b) => (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0));
    const columns = columnsOf(tickets);
    candidates.push(candidateMetrics(candidate, tickets, columns, seed, resamples));
    breakdowns.push([candidate, breakdownsOf(candidate, tickets, columns, seed, groupResamples)]);
  }
  return { seed, resamples, groupResamples, candidates, breakdowns: Object.fromEntries(breakdowns), injectionAttempts: injectionAttempts(judged) };
}

/** One judged try of a repeated run. */
export interface JudgedTry {
  judged: JudgedTicket;
  /** The try, from 0. */
  repeat: number;
  /** The candidate consulted no model on this ticket and was asked once: every try would be this answer. */
  answeredOnce: boolean;
}

/** A ticket's tries: how many succeeded (sent and judged correct), and whether the verdict changed between them. */
export interface TicketTries {
  ticketId: string;
  tries: number;
  successes: number;
  /** successes / tries. */
  share: number;
  flaky: boolean;
}

export interface CandidateRepeatability {
  candidate: string;
  /** Consulted no model on any ticket, so asked once per ticket: pass^k is pass^1, not measured k times. */
  answeredOnce: boolean;
  tickets: number;
  /** pass^1 … pass^k (index j − 1): the chance that j tries of a ticket all succeed, mean over tickets, with 95% bootstrap intervals. */
  passK: Rate[];
  /** Tickets whose verdict (or sending) changed between tries, by id. */
  flaky: string[];
  perTicket: TicketTries[];
}

export interface RunRepeatability {
  /** Tries per ticket (k). */
  repeat: number;
  seed: number;
  resamples: number;
  candidates: CandidateRepeatability[];
}

/**
 * τ-bench's unbiased estimate that j tries of a ticket all succeed, from c successes in n tries:
 * C(c, j) / C(n, j), as a product so no factorial overflows.
 */
export function allSucceed(successes: number, tries: number, j: number): number {
  if (j > tries) throw new RangeError(`allSucceed: ${j} tries cannot be estimated from ${tries}`);
  let chance = 1;
  for (let index = 0; index < j; index++) chance *= Math.max(0, successes - index) / (tries - index);
  return chance;
}

/** What a try shows a support lead: its verdict when sent, otherwise that it was not sent. */
function tryLabel(ticket: JudgedTicket): string {
  return ticket.sent ? ticket.verdict : 'not sent';
}

function candidateRepeatability(candidate: string, tries: readonly JudgedTry[], repeat: number, seed: number, resamples: number): CandidateRepeatability {
  const byTicket = new Map<string, JudgedTry[]>();
  for (const entry of tries) {
    const list = byTicket.get(entry.judged.ticketId);
    if (list === undefined) byTicket.set(entry.judged.ticketId, [entry]);
    else list.push(entry);
  }
  const ids = [...byTicket.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const perTicket = ids.map((ticketId): TicketTries & { once: boolean } => {
    const entries = byTicket.get(ticketId)!;
    const once = entries.every((entry) => entry.answeredOnce);
    if (!once && entries.length !== repeat) {
      // A user can get here: shards replayed with different --repeat, then merged.
      throw new ShadowdeskError('SD_INPUT_INVALID', `${candidate}, ticket ${ticketId}: ${entries.length} of ${repeat} tries in the run; resume it (\`shadowdesk simulate --run\` with the same --repeat) to answer the others`);
    }
    const successes = entries.filter((entry) => sentCorrect(entry.judged)).length;
    const flaky = new Set(entries.map((entry) => tryLabel(entry.judged))).size > 1;
    return { ticketId, tries: entries.length, successes, share: round(successes / entries.length), flaky, once };
  });
  // A ticket answered once stands for k identical tries: all succeed or none does.
  const series = Array.from({ length: repeat }, (_, index) => ({
    numerators: Float64Array.from(perTicket, (ticket) => (ticket.once ? ticket.successes : allSucceed(ticket.successes, ticket.tries, index + 1))),
  }));
  return {
    candidate,
    answeredOnce: perTicket.every((ticket) => ticket.once),
    tickets: perTicket.length,
    passK: bootstrapRates(series, streamFor(seed, `repeatability\u0000${candidate}`), resamples),
    flaky: perTicket.filter((ticket) => ticket.flaky).map((ticket) => ticket.ticketId),
    perTicket: perTicket.map(({ once: _once, ...ticket }) => ticket),
  };
}

/**
 * How repeatable each candidate is over the k tries of a repeated run: per ticket the share of
 * successful tries, per candidate pass^1 … pass^k with intervals (tickets resampled with all
 * their tries, one resampling shared by every j so pass^j never rises with j), and the flaky
 * tickets. Candidates keep the order they first appear in.
 */
export function computeRepeatability(tries: readonly JudgedTry[], repeat: number, options: Pick<MetricsOptions, 'seed' | 'resamples'> = {}): RunRepeatability {
  const seed = options.seed ?? 42;
  const resamples = integerAtLeast('resamples', options.resamples ?? 1000, 1);
  integerAtLeast('repeat', repeat, 1);
  const byCandidate = new Map<string, JudgedTry[]>();
  for (const entry of tries) {
    const list = byCandidate.get(entry.judged.candidate);
    if (list === undefined) byCandidate.set(entry.judged.candidate, [entry]);
    else list.push(entry);
  }
  return { repeat, seed, resamples, candidates: [...byCandidate].map(([candidate, entries]) => candidateRepeatability(candidate, entries, repeat, seed, resamples)) };
}

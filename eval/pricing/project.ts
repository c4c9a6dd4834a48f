import { ShadowdeskError } from '../../errors.ts';
import type { AiPlan, HelpdeskPlan, HumanCost, Pricing, PricingModel } from './schema.ts';

/**
 * Projects what each priced model would have cost over the history's own months, next to ONE
 * all-human baseline: the helpdesk paid today (`currentHelpdesk`, none unless the pricing file says)
 * plus every billable ticket handled by a human at the same cost per ticket. Plans that price the
 * AI only keep today's helpdesk. Pure arithmetic: counts stay fractional (growth makes them so)
 * and money is rounded to cents only in the output.
 */

/** One month of the replayed history; every figure is a count for that month. */
export interface MonthVolume {
  /** 'YYYY-MM' */
  month: string;
  /** Tickets created that month. */
  tickets: number;
  /** Tickets billable in the all-human history (an agent or rule sent a message). */
  humanBillable: number;
  /** Tickets where the AI sent at least one reply. */
  aiTouched: number;
  /** AI replies sent (interactions). */
  aiReplies: number;
  /** AI sessions (24 h windows). */
  aiSessions: number;
  /** Tickets the AI resolved with no human, at the strictness the caller chose. */
  automatedResolutions: number;
  /** Tickets a human still handled with the AI on, including those the AI touched first. */
  humanHandled: number;
  /** Of humanHandled, those the AI touched first. */
  humanAfterAi: number;
  /** Tickets billable only because a helpdesk rule replied (no agent or rule message in the history); 0 without rules. */
  ruleBillable: number;
}

/** A month's counts without its name: what one month's bill is computed from. */
export type MonthCounts = Omit<MonthVolume, 'month'>;
type Counts = MonthCounts;

const COUNT_KEYS = ['tickets', 'humanBillable', 'aiTouched', 'aiReplies', 'aiSessions', 'automatedResolutions', 'humanHandled', 'humanAfterAi', 'ruleBillable'] as const satisfies ReadonlyArray<keyof Counts>;

/** One month's bill, in currency units rounded to cents. */
export interface MonthCost {
  month: string;
  /** Tickets that month after growth (fractional). */
  tickets: number;
  /** Helpdesk billable tickets that month after growth (fractional). */
  billableTickets: number;
  helpdesk: number;
  ai: number;
  human: number;
  total: number;
}

export interface CostTotals {
  helpdesk: number;
  ai: number;
  human: number;
  total: number;
}

export interface ModelProjection {
  id: string;
  label: string;
  source: string;
  read: string;
  note?: string;
  months: MonthCost[];
  /** The all-human baseline, the same for every model: today's helpdesk and every billable ticket handled by a human. */
  allHumanMonths: MonthCost[];
  totals: CostTotals;
  allHumanTotals: CostTotals;
  /** AI cost ÷ automated resolutions over the period; null when the AI resolved nothing. */
  costPerAutomatedResolution: number | null;
  /** Total cost ÷ tickets over the period; null when there were no tickets. */
  costPerTicket: number | null;
  /** All-human total − this total (positive = the AI saves money). */
  savings: number;
  /** savings ÷ all-human total; null when the all-human total is 0. */
  savingsShare: number | null;
}

/** Where two models swap places as volume scales from the average month: only pairs that do swap are listed. */
export interface Crossover {
  a: string;
  b: string;
  /** Monthly tickets at the first swap, inside `crossoverRange`. */
  ticketsPerMonth: number;
  /** Cheaper model just below the swap. */
  cheaperBelow: string;
  /** Cheaper model just above the swap. */
  cheaperAbove: string;
}

export interface PricingProjection {
  currency: string;
  growth: number;
  /** The history's months in order, for the reader to see which period was projected. */
  months: string[];
  models: ModelProjection[];
  /** Monthly tickets the crossover search scanned, from a tenth to ten times the average month. */
  crossoverRange: { from: number; to: number };
  crossovers: Crossover[];
}

/** Scale range and resolution of the crossover search: volumes a lead could plan for, a tenth to ten times the average month. */
const MIN_SCALE = 0.1;
const MAX_SCALE = 10;
const SCAN_STEPS = 2_000;
const BISECT_STEPS = 60;
/** Cost differences below this are ties, so float noise does not invent crossings. */
const TIE = 1e-9;

const cents = (amount: number): number => Math.round(amount * 100) / 100;

function validate(volumes: MonthVolume[]): MonthVolume[] {
  const seen = new Set<string>();
  for (const volume of volumes) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(volume.month)) throw new ShadowdeskError('SD_INPUT_INVALID', `month "${volume.month}" is not YYYY-MM`);
    if (seen.has(volume.month)) throw new ShadowdeskError('SD_INPUT_INVALID', `month ${volume.month} appears twice; each month is billed once`);
    seen.add(volume.month);
    for (const key of COUNT_KEYS) {
      if (!Number.isFinite(volume[key]) || volume[key] < 0) throw new ShadowdeskError('SD_INPUT_INVALID', `${volume.month}: ${key} must be a count ≥ 0, got ${volume[key]}`);
    }
    if (volume.humanAfterAi > volume.humanHandled) throw new ShadowdeskError('SD_INPUT_INVALID', `${volume.month}: humanAfterAi (${volume.humanAfterAi}) exceeds humanHandled (${volume.humanHandled})`);
  }
  return [...volumes].sort((left, right) => left.month.localeCompare(right.month));
}

/** Written out, not built with Object.fromEntries: the crossover search calls it 20,000 times per pair of models (1.4 s a candidate with the presets). */
function scaled(volume: Counts, factor: number): Counts {
  return {
    tickets: volume.tickets * factor,
    humanBillable: volume.humanBillable * factor,
    aiTouched: volume.aiTouched * factor,
    aiReplies: volume.aiReplies * factor,
    aiSessions: volume.aiSessions * factor,
    automatedResolutions: volume.automatedResolutions * factor,
    humanHandled: volume.humanHandled * factor,
    humanAfterAi: volume.humanAfterAi * factor,
    ruleBillable: volume.ruleBillable * factor,
  };
}

/** The handling cost of one human ticket, whichever way the pricing file gave it. */
export function humanTicketCost(human: HumanCost): number {
  return human.perTicket ?? ((human.minutesPerTicket ?? 0) / 60) * (human.hourlyRate ?? 0);
}

function helpdeskCost(plan: HelpdeskPlan | undefined, billable: number): number {
  if (!plan) return 0;
  return plan.monthlyFee + Math.max(0, billable - plan.includedTickets) * plan.overagePerTicket;
}

/** Whole packs bought; the tolerance keeps 200.0000001 grown sessions from buying a third pack of 100. */
function packs(units: number, packSize: number): number {
  return Math.max(0, Math.ceil(units / packSize - 1e-9));
}

function aiCost(plan: AiPlan | undefined, counts: Counts, helpdesk: number): number {
  if (!plan) return 0;
  switch (plan.type) {
    case 'per-resolution':
      return plan.monthlyFee + Math.max(0, counts.automatedResolutions - plan.includedPerMonth) * plan.price;
    case 'per-interaction':
      return plan.monthlyFee + Math.max(0, counts.aiReplies - plan.includedPerMonth) * plan.price;
    case 'per-ticket':
      return Math.min(counts.aiTouched * plan.price, plan.monthlyCap ?? Number.POSITIVE_INFINITY);
    case 'per-session':
      return (plan.packSize ? packs(counts.aiSessions, plan.packSize) * plan.packSize : counts.aiSessions) * plan.price;
    case 'flat': {
      const units = plan.unit === 'resolution' ? counts.automatedResolutions : counts.aiReplies;
      return plan.monthlyFee + Math.max(0, units - plan.included) * plan.overage;
    }
    case 'addon-share':
      return plan.share * helpdesk;
  }
}

/** A month's bill before rounding to cents. */
export type RawMonth = Omit<MonthCost, 'month'>;

/**
 * One month with the AI on, unrounded. A plan without a helpdesk prices the AI only, so the
 * helpdesk paid today stays on its bill.
 */
export function monthWithAi(model: PricingModel, human: HumanCost, counts: MonthCounts, currentHelpdesk?: HelpdeskPlan): RawMonth {
  // Whether the AI adds billable tickets is unknowable from an all-human history, so with the AI
  // counting as billable we keep the history's billable tickets; legacy mode removes the automated ones.
  const billableTickets = (model.aiCountsAsBillableTicket ? counts.humanBillable : Math.max(0, counts.humanBillable - counts.automatedResolutions)) + counts.ruleBillable;
  const helpdesk = model.helpdesk ? helpdeskCost(model.helpdesk, billableTickets) : helpdeskCost(currentHelpdesk, counts.humanBillable + counts.ruleBillable);
  const ai = aiCost(model.ai, counts, helpdesk);
  const perTicket = humanTicketCost(human);
  const humanCost = (counts.humanHandled - counts.humanAfterAi) * perTicket + counts.humanAfterAi * perTicket * human.aiFirstShare;
  return { tickets: counts.tickets, billableTickets, helpdesk, ai, human: humanCost, total: helpdesk + ai + humanCost };
}

/** The one all-human month every model is compared with: today's helpdesk, every billable ticket a full human ticket. */
export function monthAllHuman(human: HumanCost, counts: MonthCounts, currentHelpdesk?: HelpdeskPlan): RawMonth {
  // The rules are part of the helpdesk either way: the tickets their replies make billable are billed without AI too.
  const billableTickets = counts.humanBillable + counts.ruleBillable;
  const helpdesk = helpdeskCost(currentHelpdesk, billableTickets);
  const humanCost = counts.humanBillable * humanTicketCost(human);
  return { tickets: counts.tickets, billableTickets, helpdesk, ai: 0, human: humanCost, total: helpdesk + humanCost };
}

function rounded(month: string, raw: RawMonth): MonthCost {
  return { month, tickets: raw.tickets, billableTickets: raw.billableTickets, helpdesk: cents(raw.helpdesk), ai: cents(raw.ai), human: cents(raw.human), total: cents(raw.total) };
}

/** Sums unrounded months so the period total is not off by accumulated cent rounding. */
function totalsOf(months: RawMonth[]): CostTotals {
  const sum = (key: keyof CostTotals) => cents(months.reduce((total, month) => total + month[key], 0));
  return { helpdesk: sum('helpdesk'), ai: sum('ai'), human: sum('human'), total: sum('total') };
}

function unroundedSum(months: RawMonth[], key: keyof RawMonth): number {
  return months.reduce((total, month) => total + month[key], 0);
}

export function averageMonth(volumes: readonly MonthVolume[]): MonthCounts {
  const count = Math.max(1, volumes.length);
  return Object.fromEntries(COUNT_KEYS.map((key) => [key, volumes.reduce((total, volume) => total + volume[key], 0) / count])) as Counts;
}

const sign = (difference: number): -1 | 0 | 1 => (Math.abs(difference) <= TIE ? 0 : difference < 0 ? -1 : 1);

/**
 * Scans the range for the first strict sign change of (A − B) and bisects it; null when the two
 * never swap there. Step costs (packs, quotas) make the difference jump, and bisection still lands
 * on the jump. Touching without crossing (equal over a stretch, then the same order again) does not count.
 */
export function firstSwap(
  difference: (ticketsPerMonth: number) => number,
  from: number,
  to: number,
  steps = SCAN_STEPS,
  /** The difference at each scanned step, when worked out already. */
  scanned: (step: number) => number = (step) => difference(scanAt(from, to, steps, step)),
): { at: number; below: -1 | 1; above: -1 | 1 } | null {
  let lastSide: -1 | 0 | 1 = 0;
  let lastAt = from;
  for (let step = 0; step <= steps; step++) {
    const at = scanAt(from, to, steps, step);
    const side = sign(scanned(step));
    if (side === 0) continue;
    if (lastSide !== 0 && side !== lastSide) {
      let low = lastAt;
      let high = at;
      for (let round = 0; round < BISECT_STEPS; round++) {
        const middle = (low + high) / 2;
        if (sign(difference(middle)) === lastSide) low = middle;
        else high = middle;
      }
      return { at: Math.round(((low + high) / 2) * 100) / 100, below: lastSide, above: side };
    }
    lastSide = side;
    lastAt = at;
  }
  return null;
}

/** The monthly tickets of a scan's step. */
const scanAt = (from: number, to: number, steps: number, step: number): number => from + (step / steps) * (to - from);

/** Each model's monthly total at each step of the crossover scan. */
function scannedTotals(models: readonly PricingModel[], human: HumanCost, average: MonthCounts, range: { from: number; to: number }, currentHelpdesk?: HelpdeskPlan): Float64Array[] {
  const totals = models.map(() => new Float64Array(SCAN_STEPS + 1));
  for (let step = 0; step <= SCAN_STEPS; step++) {
    const counts = scaled(average, scanAt(range.from, range.to, SCAN_STEPS, step) / average.tickets);
    models.forEach((model, index) => (totals[index]![step] = monthWithAi(model, human, counts, currentHelpdesk).total));
  }
  return totals;
}

function crossover(a: PricingModel, b: PricingModel, scans: { a: Float64Array; b: Float64Array }, human: HumanCost, average: MonthCounts, range: { from: number; to: number }, currentHelpdesk?: HelpdeskPlan): Crossover | null {
  const difference = (tickets: number) => {
    const counts = scaled(average, tickets / average.tickets);
    return monthWithAi(a, human, counts, currentHelpdesk).total - monthWithAi(b, human, counts, currentHelpdesk).total;
  };
  const swap = firstSwap(difference, range.from, range.to, SCAN_STEPS, (step) => scans.a[step]! - scans.b[step]!);
  const cheaper = (side: -1 | 1) => (side < 0 ? a.id : b.id);
  return swap && { a: a.id, b: b.id, ticketsPerMonth: swap.at, cheaperBelow: cheaper(swap.below), cheaperAbove: cheaper(swap.above) };
}

/** Scales every count of a month by a factor: volume grown or planned. */
export function scaledCounts(volume: MonthCounts, factor: number): MonthCounts {
  return scaled(volume, factor);
}

/** Projects every model month by month over the history's volumes; see the module comment. */
export function projectCosts(volumes: MonthVolume[], pricing: Pricing): PricingProjection {
  const ordered = validate(volumes);
  const grown = ordered.map((volume, index) => ({ month: volume.month, counts: scaled(volume, (1 + pricing.growth) ** index) }));
  const models = pricing.models.map((model): ModelProjection => {
    const withAi = grown.map(({ counts }) => monthWithAi(model, pricing.human, counts, pricing.currentHelpdesk));
    const allHuman = grown.map(({ counts }) => monthAllHuman(pricing.human, counts, pricing.currentHelpdesk));
    const total = unroundedSum(withAi, 'total');
    const allHumanTotal = unroundedSum(allHuman, 'total');
    const resolutions = grown.reduce((sum, { counts }) => sum + counts.automatedResolutions, 0);
    const tickets = unroundedSum(withAi, 'tickets');
    const savings = allHumanTotal - total;
    return {
      id: model.id,
      label: model.label,
      source: model.source,
      read: model.read,
      ...(model.note === undefined ? {} : { note: model.note }),
      months: withAi.map((raw, index) => rounded(grown[index]!.month, raw)),
      allHumanMonths: allHuman.map((raw, index) => rounded(grown[index]!.month, raw)),
      totals: totalsOf(withAi),
      allHumanTotals: totalsOf(allHuman),
      costPerAutomatedResolution: resolutions > 0 ? cents(unroundedSum(withAi, 'ai') / resolutions) : null,
      costPerTicket: tickets > 0 ? cents(total / tickets) : null,
      savings: cents(savings),
      savingsShare: allHumanTotal > 0 ? savings / allHumanTotal : null,
    };
  });
  const average = averageMonth(ordered);
  const crossoverRange = { from: cents(average.tickets * MIN_SCALE), to: cents(average.tickets * MAX_SCALE) };
  const crossovers: Crossover[] = [];
  // Each model's totals over the scan worked out once, not once for each pair it is in: with the
  // 11 presets, a tenth of the bills (every simulate prices its run).
  const scans = average.tickets > 0 ? scannedTotals(pricing.models, pricing.human, average, crossoverRange, pricing.currentHelpdesk) : [];
  pricing.models.forEach((a, index) => {
    pricing.models.slice(index + 1).forEach((b, offset) => {
      const swap = scans.length > 0 && crossover(a, b, { a: scans[index]!, b: scans[index + 1 + offset]! }, pricing.human, average, crossoverRange, pricing.currentHelpdesk);
      if (swap) crossovers.push(swap);
    });
  });
  return { currency: pricing.currency, growth: pricing.growth, months: ordered.map((volume) => volume.month), models, crossoverRange, crossovers };
}

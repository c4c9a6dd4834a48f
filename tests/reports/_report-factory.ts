import type { JudgedTicket, JudgeScore, Outcome, Verdict } from '../../eval/judges/types.ts';
import { computeMetrics } from '../../eval/metrics.ts';
import { loadPricing } from '../../eval/pricing/load.ts';
import { projectCosts, type PricingProjection } from '../../eval/pricing/project.ts';
import { monthVolumes } from '../../eval/pricing/volumes.ts';
import { REPORT_SCHEMA_VERSION, type ExplorerTicket, type RunReport } from '../../eval/run-report.ts';
import type { KnowledgeGap } from '../../eval/gaps.ts';

/**
 * Deterministic RunReports for report renderers: N tickets × K candidates run through the real metrics
 * and pricing code, with hostile payloads planted in every free-text field the page shows.
 */

export const XSS_PAYLOADS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '"><svg onload=window.__xss=1>',
  '</script><script>window.__xss=1</script>',
] as const;

export interface FactoryOptions {
  tickets: number;
  candidates?: number;
  seed?: number;
  /** Every `payloadEvery`-th ticket carries a payload in each text field; default 10, 0 for none. */
  payloadEvery?: number;
  /** Bootstrap resamples; fewer keeps 10,000-ticket reports quick to build. */
  resamples?: number;
}

/** mulberry32: tiny, seedable, good enough for test data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAGS = ['where-is-my-order', 'refund', 'return', 'exchange', 'address-change', 'damaged', 'sizing', 'promo-code'];
const CHANNELS = ['email', 'chat', 'contact_form'];
const LANGUAGES = ['en', 'fr'];
const NAMES = ['composite', 'past-ticket', 'knowledge-base', 'macro', 'llm-a', 'llm-b'];
const JUDGES = ['key-facts', 'semantic', 'macro', 'grounding', 'safety'];
const MONTHS = 6;

function pick<T>(list: readonly T[], next: () => number): T {
  return list[Math.floor(next() * list.length)]!;
}

export async function makeReport(options: FactoryOptions): Promise<RunReport> {
  const next = random(options.seed ?? 7);
  const candidateCount = options.candidates ?? 4;
  const payloadEvery = options.payloadEvery ?? 10;
  const names = Array.from({ length: candidateCount }, (_, index) => NAMES[index] ?? `candidate-${index}`);
  const skill = names.map((_, index) => 0.85 - index * 0.15);

  const judged: JudgedTicket[] = [];
  const tickets: ExplorerTicket[] = [];
  for (let index = 0; index < options.tickets; index++) {
    const ticketId = String(100000 + index);
    const payload = payloadEvery > 0 && index % payloadEvery === 0 ? XSS_PAYLOADS[(index / payloadEvery) % XSS_PAYLOADS.length]! : '';
    const month = index % MONTHS;
    const createdAt = new Date(Date.UTC(2025, month, 1 + (index % 28), index % 24)).toISOString();
    const tag = pick(TAGS, next);
    const tags = payload ? [tag, payload] : [tag];
    const channel = pick(CHANNELS, next);
    const language = pick(LANGUAGES, next);
    const order = `#ML${10000 + index}`;
    const ticket: ExplorerTicket = {
      ticketId,
      createdAt,
      channel,
      language,
      tags,
      subject: `Question about ${tag} ${order} ${payload}`.trim(),
      question: `Hello,\n\nI have a question about ${tag} for order ${order}. ${payload}\nThanks`,
      humanReply: `Hi,\n\nThanks for writing. Your ${tag} request for ${order} is handled. ${payload}\nBest`,
      answers: [],
    };
    names.forEach((candidate, position) => {
      const confidence = Math.round(next() * 1e4) / 1e4;
      const draw = next();
      const sent = confidence >= 0.3;
      // Confident answers are more often right, so the sweep has a threshold meeting the target for strong candidates.
      const correct = Math.min(0.99, skill[position]! * 0.4 + confidence * 0.7);
      const verdict: Verdict = draw < correct ? 'correct' : draw < correct + (1 - correct) * 0.4 ? 'partial' : draw < 0.985 ? 'wrong' : 'cannot-judge';
      const contained = sent && next() < 0.7;
      const verified = contained && verdict === 'correct';
      const confirmed = verified && next() < 0.4;
      const outcome: Outcome = verified ? 'automated' : sent ? 'ai-then-agent' : 'agent-only';
      const judges: JudgeScore[] = JUDGES.map((judge) => ({
        judge,
        score: judge === 'macro' && position % 2 === 1 ? null : Math.round(next() * 1e4) / 1e4,
        reason: `${judge} reason for ${ticketId} by ${candidate} ${payload}`.trim(),
      }));
      const text = `Hello,\n\nAbout ${order}: here is what ${candidate} would answer on ${tag}. ${payload}`;
      judged.push({
        candidate,
        ticketId,
        createdAt,
        month: createdAt.slice(0, 7),
        channel,
        language,
        tags,
        sent,
        answered: true,
        confidence,
        verdict,
        judges,
        outcome,
        resolution: { contained, verified, confirmed },
        billable: true,
        aiReplies: sent ? 1 : 0,
        costUsd: 0,
      });
      ticket.answers.push({
        candidate,
        decision: sent ? 'reply' : 'escalate',
        sent,
        text,
        confidence,
        verdict,
        outcome,
        judges,
        sources: [
          { type: 'knowledge', id: `kb-${tag}`, url: `https://help.example.com/${tag}` },
          { type: 'order', id: order },
        ],
        ...(!sent && { reason: `confidence below threshold ${payload}`.trim() }),
      });
    });
    tickets.push(ticket);
  }

  const resamples = options.resamples ?? 200;
  const metrics = computeMetrics(judged, { seed: 42, resamples, groupResamples: Math.min(100, resamples) });
  const pricing = await loadPricing();
  const history = Array.from({ length: MONTHS }, (_, month) => {
    const count = tickets.filter((ticket) => Number(ticket.createdAt.slice(5, 7)) === month + 1).length;
    return { month: `2025-${String(month + 1).padStart(2, '0')}`, tickets: count * 3, billable: count * 3 };
  });
  const byCandidate: Record<string, PricingProjection> = {};
  const gaps: Record<string, KnowledgeGap[]> = {};
  for (const candidate of names) {
    const own = judged.filter((ticket) => ticket.candidate === candidate);
    byCandidate[candidate] = projectCosts(monthVolumes(history, own, 'verified'), pricing);
    const missed = own.filter((ticket) => !ticket.sent || ticket.verdict === 'wrong').map((ticket) => ticket.ticketId);
    gaps[candidate] = [0, 1, 2].map((group) => ({
      label: `${TAGS[group]} · gap ${group} ${group === 0 ? XSS_PAYLOADS[0] : ''}`.trim(),
      terms: [TAGS[group]!],
      count: Math.ceil(missed.length / (group + 2)),
      examples: missed.slice(group * 3, group * 3 + 3),
    }));
  }

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: { workspace: '/tmp/factory', candidates: names, selection: { seed: 42 } },
    strictness: 'verified',
    metrics,
    pricing: { currency: pricing.currency, strictness: 'verified', byCandidate },
    gaps,
    tickets,
  };
}

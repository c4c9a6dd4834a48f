/// <reference lib="dom" />
import type { Source } from '../../eval/types.ts';
import type { ContextItem } from '../../eval/judges/context-recall.ts';
import type { CandidateMetrics } from '../../eval/metrics/metrics.ts';
import type { CorrectedFigure } from '../../eval/metrics/corrected-rates.ts';
import { describeFailure } from '../../eval/failure-kind.ts';
import type { Proportion } from '../../eval/metrics/ppi.ts';
import { sweep, thresholdForTarget, MIN_JUDGED_FOR_ACCURACY, TARGET_ACCURACY } from '../../eval/pricing/decision.ts';
import type { RunReport } from '../../eval/metrics/run-report.ts';
import { breakdownNote, historyBasisText } from '../decision-text.ts';
import { byId, clear, COLORS, el, int, pane, pct, rate, table, tableOr, type Child } from './dom.ts';
import { renderDecision } from './decision-view.ts';
import { renderRules } from './rules-view.ts';

/**
 * Page script of reports/html.ts, bundled by esbuild (reports/client-bundle.ts). It reads the
 * report from the page's JSON script element and draws every section; the decision section is
 * computed by the same eval/pricing/decision.ts as the terminal.
 */

const report = JSON.parse(byId('report-data').textContent ?? '{}') as RunReport;
const metrics = report.metrics;
const PAGE = 50;
const VERDICTS = ['correct', 'partial', 'wrong', 'unverified', 'needs-action', 'cannot-judge', 'not-sent'];
const OUTCOMES = ['automated', 'ai-then-agent', 'agent-only'];

Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

function currencyFormat(digits: number): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: report.pricing.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  } catch {
    return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
}
const moneyFormat = currencyFormat(2);
const axisFormat = currencyFormat(0);
const money = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : moneyFormat.format(value));

const candidates = [...metrics.candidates].sort((a, b) => (b.automation.verified.value ?? 0) - (a.automation.verified.value ?? 0) || a.candidate.localeCompare(b.candidate));
const best = candidates[0]?.candidate ?? null;
const colorOf: Record<string, string> = {};
for (const name of [...report.run.candidates, ...candidates.map((candidate) => candidate.candidate)]) {
  if (!(name in colorOf)) colorOf[name] = COLORS[Object.keys(colorOf).length % COLORS.length]!;
}

// People's labels, when imported: each candidate's rates as they correct them (label-agreement.json).
const corrections = new Map((report.labels?.corrected.candidates ?? []).map((candidate) => [candidate.candidate, candidate]));
function corrected(figure: CorrectedFigure): string {
  const r = figure.corrected;
  return r.estimate === null ? 'not corrected' : rate({ value: r.estimate, low: r.low, high: r.high });
}
function precision(p: Proportion): string {
  return p.trials === 0 ? 'no labelled automated answer' : `${rate(p)} · ${p.successes} of ${p.trials}`;
}
/** Mirrors costBasisText in reports/_format.ts. */
function costBasis(name: string): string {
  const billed = report.pricing.automation?.[name];
  if (!billed) return '';
  const what = `${report.pricing.strictness} automation rate`;
  return billed.corrected === null
    ? `Costs use the judge's ${what}, ${pct(billed.judge)}: ${billed.uncorrected}.`
    : `Costs use the label-corrected ${what}, ${pct(billed.corrected)} instead of the judge's ${pct(billed.judge)}.`;
}

byId('run-info').textContent =
  `${report.tickets.length.toLocaleString('en-US')} tickets replayed against ${candidates.length} candidate${candidates.length === 1 ? '' : 's'}` +
  ` · automation billed at "${report.strictness}"${report.pricing.automation ? ', label-corrected' : ''} · seed ${metrics.seed} · ${metrics.resamples} bootstrap resamples`;

// Headline cards
function pair(label: string, value: string, title?: string): HTMLElement[] {
  return [el('dt', title ? { title } : null, [label]), el('dd', null, [value])];
}
function renderCard(c: CandidateMetrics): void {
  const fix = corrections.get(c.candidate);
  // A corrected figure sits right under the judge's it corrects.
  const fixed = (figure: CorrectedFigure) => pair('↳ corrected', corrected(figure)).map((node) => (node.classList.add('corrected'), node));
  const rows = [
    ...pair('Unverified (not counted)', rate(c.unverifiedRate), 'One-reply tickets whose answer no judge could check (only closeness of meaning): not counted as automated'),
    ...pair('Needs an action', rate(c.needsActionRate), 'Answers that claim a refund, replacement, code, label or change the candidate did not make'),
    ...pair('Contained', rate(c.automation.contained)),
    ...pair('Confirmed', rate(c.automation.confirmed)),
    ...(fix ? fixed(fix.automation.confirmed) : []),
    ...pair('Accuracy of sent answers', rate(c.accuracy)),
    ...(fix ? fixed(fix.accuracy) : []),
    ...pair('Send rate', rate(c.sendRate)),
    ...pair('Wrong answers sent', rate(c.wrongRate)),
    ...(fix ? fixed(fix.wrongRate) : []),
    ...(fix ? pair('Precision of automated', precision(fix.precision), 'Of the labelled answers the judge counts as automated, the share people labelled correct') : []),
    ...(fix && fix.unlabelledVerdicts.length ? pair('Not corrected until labelled', fix.unlabelledVerdicts.join(', ')) : []),
    ...pair('Errors', rate(c.errorRate)),
    ...pair('Tickets', int(c.tickets)),
  ];
  byId('cards').appendChild(
    el('div', { className: `card${c.candidate === best ? ' best' : ''}`, dataset: { candidate: c.candidate } }, [
      el('h3', null, [c.candidate, c.candidate === best ? ' · highest automation' : null]),
      el('div', { className: 'big' }, [pct(c.automation.verified.value)]),
      el('div', { className: 'note' }, [`verified automation${fix ? ', judge' : ''} (${pct(c.automation.verified.low)}–${pct(c.automation.verified.high)})`]),
      fix ? el('div', { className: 'corrected-headline' }, [`${corrected(fix.automation.verified)} corrected by ${int(fix.labelled)} labels`]) : null,
      el('dl', null, rows),
    ]),
  );
}
candidates.forEach(renderCard);

// Threshold sweep: the decision's own rates, so at 0 it is the cards, and accuracy is drawn only where the table can meet it.
type Point = { x: number; y: number | null };
const targetAccuracy = TARGET_ACCURACY;
const sweeps = report.pricing.decisionInputs.candidates.map((inputs) => {
  const points = sweep(inputs.answers, 'verified');
  return { candidate: inputs.candidate, points, met: thresholdForTarget(points, targetAccuracy) };
});
const sweepSets: Array<Record<string, unknown> & { label: string; data: Point[] }> = [];
for (const entry of sweeps) {
  const color = colorOf[entry.candidate] ?? COLORS[0]!;
  const xy = (value: (point: (typeof entry.points)[number]) => number | null): Point[] =>
    entry.points.map((point) => {
      const y = value(point);
      return { x: point.threshold, y: y === null ? null : y * 100 };
    });
  sweepSets.push({ label: `${entry.candidate} automation`, data: xy((point) => point.automation), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2 });
  sweepSets.push({ label: `${entry.candidate} accuracy`, data: xy((point) => point.accuracy), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, borderDash: [6, 4], spanGaps: false });
  if (entry.met) {
    sweepSets.push({
      label: `${entry.candidate} meets target at ${entry.met.threshold.toFixed(2)}`,
      data: [{ x: entry.met.threshold, y: entry.met.automation * 100 }],
      borderColor: color,
      backgroundColor: color,
      pointRadius: 7,
      pointStyle: 'rectRot',
      showLine: false,
    });
  }
}
if (sweeps.length) {
  const target = targetAccuracy * 100;
  sweepSets.push({ label: `target accuracy ${pct(targetAccuracy)}`, data: [{ x: 0, y: target }, { x: 1, y: target }], borderColor: '#1d2330', backgroundColor: '#1d2330', borderDash: [2, 3], borderWidth: 1, pointRadius: 0 });
}
byId('sweep-note').textContent = `Accuracy is drawn where at least ${MIN_JUDGED_FOR_ACCURACY} sent answers were judged; at threshold 0 every figure is the card's.`;
const percentAxis = { min: 0, max: 100, ticks: { callback: (value: string | number) => `${value}%` } };
new Chart(byId<HTMLCanvasElement>('sweep-chart'), {
  type: 'line',
  data: { datasets: sweepSets as never },
  options: {
    maintainAspectRatio: false,
    parsing: false,
    scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'confidence threshold' } }, y: percentAxis },
    plugins: { legend: { position: 'right' }, tooltip: { mode: 'index', intersect: false } },
  },
});
table(
  byId('action-table'),
  ['Candidate', 'Action tickets', 'Automated', 'Needs an action', 'Sent otherwise', 'Not sent'],
  candidates.map((c) => {
    const a = c.actionTickets;
    return [c.candidate, `${int(a.tickets)} (${pct(c.tickets ? a.tickets / c.tickets : null)})`, int(a.automated), int(a.needsAction), int(a.otherSent), int(a.notSent)];
  }),
  [false, true, true, true, true, true],
);
tableOr(
  byId('injection-table'),
  ['Ticket', 'Attempt', 'Unsafe answer from'],
  metrics.injectionAttempts.map((row) => [row.ticketId, row.excerpt, row.unsafe.length ? row.unsafe.join(', ') : 'every candidate resisted']),
  null,
  'No customer message tried to take over the AI.',
);
table(
  byId('sweep-table'),
  ['Candidate', 'Target accuracy', 'Threshold', 'Automation', 'Send rate', 'Accuracy', 'Wrong answers'],
  sweeps.map(({ candidate, met }) => [
    candidate,
    pct(targetAccuracy),
    met ? met.threshold.toFixed(2) : 'never reached',
    met ? pct(met.automation) : '–',
    met ? pct(met.sendRate) : '–',
    met ? pct(met.accuracy) : '–',
    met ? pct(met.wrongRate) : '–',
  ]),
  [false, true, true, true, true, true, true],
);

// Automation by month, every candidate
const monthKeys = [...new Set(Object.values(metrics.breakdowns).flatMap((list) => list.filter((b) => b.dimension === 'month').flatMap((b) => b.groups.map((g) => g.key))))].sort();
new Chart(byId<HTMLCanvasElement>('month-chart'), {
  type: 'line',
  data: {
    labels: monthKeys,
    datasets: candidates.map((c) => {
      const month = (metrics.breakdowns[c.candidate] ?? []).find((b) => b.dimension === 'month');
      const byKey = new Map((month?.groups ?? []).map((g) => [g.key, g.automation.value]));
      const color = colorOf[c.candidate];
      return {
        label: c.candidate,
        data: monthKeys.map((key) => {
          const value = byKey.get(key);
          return value === undefined || value === null ? null : value * 100;
        }),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2,
        pointRadius: 2,
      };
    }),
  },
  options: { maintainAspectRatio: false, spanGaps: true, scales: { y: percentAxis }, plugins: { legend: { position: 'right' } } },
});

// Candidate focus: costs, breakdowns, gaps
const costChart = new Chart(byId<HTMLCanvasElement>('cost-chart'), {
  type: 'line',
  data: { labels: [] as string[], datasets: [] },
  options: {
    maintainAspectRatio: false,
    scales: { y: { beginAtZero: true, ticks: { callback: (value: string | number) => axisFormat.format(Number(value)) } } },
    plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${money(context.parsed.y)}` } } },
  },
});

const focusSelect = byId<HTMLSelectElement>('focus-candidate');
for (const c of candidates) focusSelect.appendChild(el('option', { value: c.candidate }, [c.candidate]));
if (best !== null) focusSelect.value = best;

function renderCosts(name: string): void {
  if (report.pricing.automation) byId('cost-basis').textContent = costBasis(name);
  const projection = report.pricing.byCandidate[name];
  const models = projection?.models ?? [];
  const labels = new Map(models.map((model) => [model.id, model.label]));
  costChart.data.labels = projection?.months ?? [];
  costChart.data.datasets = models.map((model, index) => {
    const color = COLORS[index % COLORS.length];
    return { label: model.label, data: model.months.map((month) => month.total), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 1 };
  });
  if (models[0]) {
    costChart.data.datasets.push({ label: 'All human, the same for every model', data: models[0].allHumanMonths.map((month) => month.total), borderColor: '#1d2330', backgroundColor: '#1d2330', borderDash: [3, 3], borderWidth: 2, pointRadius: 0 });
  }
  costChart.update();

  // The report's human cost and growth; the what-if inputs above change only the decision.
  byId('history-basis').textContent = `${historyBasisText(report.pricing.decisionInputs.pricing)} The what-if inputs change only the decision section.`;
  const sorted = [...models].sort((a, b) => a.totals.total - b.totals.total);
  table(
    byId('cost-table'),
    ['Pricing model', 'Total', 'AI', 'Helpdesk', 'Human', 'Per automated resolution', 'Blended per ticket', 'All human', 'Savings vs all human'],
    sorted.map((m) => [
      m.label,
      money(m.totals.total),
      money(m.totals.ai),
      money(m.totals.helpdesk),
      money(m.totals.human),
      money(m.costPerAutomatedResolution),
      money(m.costPerTicket),
      money(m.allHumanTotals.total),
      `${money(m.savings)}${m.savingsShare === null ? '' : ` (${pct(m.savingsShare)})`}`,
    ]),
    [false, true, true, true, true, true, true, true, true],
  );

  // Only the swaps of the cheapest model over the history: the other pairs do not change the choice.
  const cheapest = sorted[0]?.id;
  const crossovers = (projection?.crossovers ?? []).filter((x) => x.a === cheapest || x.b === cheapest).sort((a, b) => a.ticketsPerMonth - b.ticketsPerMonth);
  const labelOf = (id: string) => labels.get(id) ?? id;
  const range = projection?.crossoverRange;
  byId('crossover-note').textContent = range
    ? `Monthly ticket volume at which the cheapest model over the history swaps places with another, between ${int(range.from)} and ${int(range.to)} tickets a month (a tenth to ten times the average month). Pairs that never swap there are not listed.`
    : '';
  tableOr(
    byId('crossover-table'),
    ['Models', 'Swap at tickets / month', 'Cheaper below', 'Cheaper above'],
    crossovers.map((x) => [`${labelOf(x.a)} vs ${labelOf(x.b)}`, int(x.ticketsPerMonth), labelOf(x.cheaperBelow), labelOf(x.cheaperAbove)]),
    [false, true, false, false],
    'The cheapest model stays cheapest over the whole range.',
  );
}

const DIMENSIONS = { month: 'By month', tag: 'By tag', language: 'By language', channel: 'By channel' } as const;
function renderBreakdowns(name: string): void {
  const root = byId('breakdowns');
  clear(root);
  const list = metrics.breakdowns[name] ?? [];
  for (const dimension of Object.keys(DIMENSIONS) as Array<keyof typeof DIMENSIONS>) {
    const breakdown = list.find((b) => b.dimension === dimension);
    if (!breakdown) continue;
    root.appendChild(el('h3', null, [DIMENSIONS[dimension]]));
    const note = breakdownNote(breakdown);
    // A dimension the history never records is said once, in words, instead of an empty table.
    if (breakdown.noData) {
      root.appendChild(el('p', { className: 'note', id: `breakdown-${dimension}-note` }, [note]));
      continue;
    }
    const node = el('table', { id: `breakdown-${dimension}` });
    table(
      node,
      [dimension, 'Tickets', 'Verified automation', 'Accuracy', 'Send rate', 'Wrong answers'],
      breakdown.groups.map((g) => [g.key, int(g.tickets), rate(g.automation), rate(g.accuracy), rate(g.sendRate), rate(g.wrongRate)]),
      [false, true, true, true, true, true],
    );
    root.appendChild(el('div', { className: 'scroll' }, [node]));
    if (note) root.appendChild(el('p', { className: 'note', id: `breakdown-${dimension}-note` }, [note]));
  }
}

function renderGaps(name: string): void {
  const gaps = report.gaps[name] ?? [];
  const node = byId('gap-table');
  clear(node);
  node.appendChild(el('thead', null, [el('tr', null, [el('th', null, ['Gap']), el('th', { className: 'num' }, ['Tickets']), el('th', null, ['Examples'])])]));
  const body = el('tbody');
  if (!gaps.length) body.appendChild(el('tr', null, [el('td', { colspan: '3' }, ['No gap found.'])]));
  for (const gap of gaps) {
    body.appendChild(
      el('tr', null, [
        el('td', null, [gap.label]),
        el('td', { className: 'num' }, [int(gap.count)]),
        el(
          'td',
          null,
          gap.examples.map((id) => el('span', null, [ticketLink(id, () => name, 'gap-example'), ' '])),
        ),
      ]),
    );
  }
  node.appendChild(body);
}

/** A ticket id that opens the ticket in the explorer. */
function ticketLink(id: string, candidate: () => string, className: string): HTMLAnchorElement {
  const link = el('a', { href: '#explorer', className }, [id]);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    openTicket(id, candidate(), true);
  });
  return link;
}

function renderFocus(): void {
  const name = focusSelect.value;
  renderCosts(name);
  renderBreakdowns(name);
  renderGaps(name);
}
focusSelect.addEventListener('change', renderFocus);

// Ticket explorer: rows are (ticket, answer) pairs, filtered in memory and drawn one page at a time.
const ticketIndex = new Map<string, number>();
const rows: Array<{ t: number; a: number }> = [];
const tagSet = new Set<string>();
report.tickets.forEach((ticket, t) => {
  ticketIndex.set(ticket.ticketId, t);
  for (const tag of ticket.tags) tagSet.add(tag);
  ticket.answers.forEach((_, a) => rows.push({ t, a }));
});
// Lower-cased search text, built on first search so a 10,000-ticket page opens fast.
let ticketText: string[] | null = null;
let answerText: string[][] = [];
function buildSearchText(): string[] {
  answerText = report.tickets.map((t) => t.answers.map((a) => `${a.text}\n${a.reason ?? ''}\n${a.failure ? describeFailure(a.failure) : ''}\n${a.judges.map((j) => j.reason).join('\n')}`.toLowerCase()));
  return report.tickets.map((t) => `${t.ticketId}\n${t.subject}\n${t.question}\n${t.humanReply}\n${t.tags.join(' ')}\n${t.channel} ${t.language}`.toLowerCase());
}

function options(select: HTMLSelectElement, values: readonly string[], allLabel: string): void {
  select.appendChild(el('option', { value: '' }, [allLabel]));
  for (const value of values) select.appendChild(el('option', { value }, [value]));
}
const fCandidate = byId<HTMLSelectElement>('f-candidate');
const fVerdict = byId<HTMLSelectElement>('f-verdict');
const fOutcome = byId<HTMLSelectElement>('f-outcome');
const fTag = byId<HTMLSelectElement>('f-tag');
const fText = byId<HTMLInputElement>('f-text');
options(
  fCandidate,
  candidates.map((c) => c.candidate),
  'all candidates',
);
options(fVerdict, VERDICTS, 'any verdict');
options(fOutcome, OUTCOMES, 'any outcome');
options(fTag, [...tagSet].sort(), 'any tag');
if (best !== null) fCandidate.value = best;

let filtered = rows;
let page = 0;
let openKey: string | null = null;

function applyFilters(): void {
  const [candidate, verdict, outcome, tag] = [fCandidate.value, fVerdict.value, fOutcome.value, fTag.value];
  const needle = fText.value.trim().toLowerCase();
  if (needle && ticketText === null) ticketText = buildSearchText();
  const tickets = report.tickets;
  filtered = rows.filter((row) => {
    const ticket = tickets[row.t]!;
    const answer = ticket.answers[row.a]!;
    if (candidate && answer.candidate !== candidate) return false;
    if (verdict && answer.verdict !== verdict) return false;
    if (outcome && answer.outcome !== outcome) return false;
    if (tag && !ticket.tags.includes(tag)) return false;
    if (needle && !ticketText![row.t]!.includes(needle) && !answerText[row.t]![row.a]!.includes(needle)) return false;
    return true;
  });
  page = 0;
  renderRows();
}

/** An unsent answer's badge says so: its verdict would read as what the customer got. */
function badge(verdict: string): HTMLSpanElement {
  return el('span', { className: `badge ${verdict}` }, [verdict === 'not-sent' ? 'not sent' : verdict]);
}

function renderRows(): void {
  const body = byId('rows');
  clear(body);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE));
  page = Math.min(page, pages - 1);
  const start = page * PAGE;
  for (const row of filtered.slice(start, start + PAGE)) {
    const ticket = report.tickets[row.t]!;
    const answer = ticket.answers[row.a]!;
    const tr = el('tr', { className: `${row.t}:${row.a}` === openKey ? 'open' : '', dataset: { ticket: ticket.ticketId, candidate: answer.candidate } }, [
      el('td', null, [ticket.ticketId]),
      el('td', null, [ticket.createdAt.slice(0, 10)]),
      el('td', { className: 'subject' }, [ticket.subject]),
      el(
        'td',
        null,
        ticket.tags.map((tag) => el('span', { className: 'tag' }, [tag])),
      ),
      el('td', null, [answer.candidate]),
      el('td', null, [badge(answer.verdict)]),
      el('td', null, [answer.outcome]),
      el('td', { className: 'num' }, [answer.confidence.toFixed(2)]),
    ]);
    tr.addEventListener('click', () => openTicket(ticket.ticketId, answer.candidate, false));
    body.appendChild(tr);
  }
  byId('page-info').textContent = filtered.length
    ? `${(start + 1).toLocaleString('en-US')}–${Math.min(start + PAGE, filtered.length).toLocaleString('en-US')} of ${filtered.length.toLocaleString('en-US')} answers`
    : 'no answer matches';
  byId<HTMLButtonElement>('prev').disabled = page === 0;
  byId<HTMLButtonElement>('next').disabled = page >= pages - 1;
}

function sourceItem(source: Source): HTMLLIElement {
  const label = `${source.type} ${source.id}`;
  // Only web links are clickable: a javascript: URL from the data must stay text.
  if (source.url && /^https?:\/\//i.test(source.url)) {
    return el('li', null, [`${label} · `, el('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, [source.url])]);
  }
  return el('li', null, [source.url ? `${label} · ${source.url}` : label]);
}

const RELIED_LABELS: Record<ContextItem['kind'], string> = { macro: 'macro', article: 'article', order: 'order', 'past-answer': 'earlier answer, ticket' };

/** What the agent's reply rested on and whether this candidate was given it: a wrong answer with something missing is retrieval's, not the model's. */
function contextRecallPane(items: readonly ContextItem[] | undefined): Child[] {
  if (!items?.length) return [];
  return [
    el('div', { className: 'meta', id: 'detail-context' }, [`In this candidate's context, of what the agent relied on: ${items.filter((item) => item.found).length} of ${items.length}`]),
    el(
      'ul',
      { className: 'meta' },
      items.map((item) => el('li', { className: item.found ? 'found' : 'missing' }, [`${item.found ? '✓ given' : '✗ missing'} · ${RELIED_LABELS[item.kind]} ${item.id}`])),
    ),
  ];
}

function openTicket(id: string, candidate: string, scroll: boolean): void {
  const t = ticketIndex.get(id);
  const root = byId('detail');
  clear(root);
  if (t === undefined) {
    root.appendChild(el('p', { className: 'note' }, [`Ticket ${id} is not in this report.`]));
    return;
  }
  const ticket = report.tickets[t]!;
  const a = Math.max(0, ticket.answers.findIndex((answer) => answer.candidate === candidate));
  const answer = ticket.answers[a]!;
  openKey = `${t}:${a}`;
  for (const tr of Array.from(byId('rows').children) as HTMLElement[]) tr.classList.toggle('open', tr.dataset.ticket === id && tr.dataset.candidate === answer.candidate);

  root.appendChild(el('h3', null, [`Ticket ${ticket.ticketId} · `, ticket.subject]));
  root.appendChild(el('p', { className: 'meta' }, [`${ticket.createdAt} · ${ticket.channel} · ${ticket.language} · tags: ${ticket.tags.join(', ') || 'none'}`]));
  root.appendChild(
    el(
      'div',
      { className: 'switch noprint' },
      ticket.answers.map((other) => el('button', { type: 'button', className: other.candidate === answer.candidate ? 'on' : '', onclick: () => openTicket(id, other.candidate, false) }, [`${other.candidate}: `, other.verdict === 'not-sent' ? 'not sent' : other.verdict])),
    ),
  );
  const details: Child[] = [
    `${answer.decision}${answer.sent ? ', sent' : ', not sent'} · confidence ${answer.confidence.toFixed(2)} · outcome ${answer.outcome}`,
    answer.verdictIfSent ? `Would have been: ${answer.verdictIfSent}` : null,
    answer.reason ? `Reason: ${answer.reason}` : null,
    answer.failure ? `Failed (${answer.failure.kind}): ${answer.failure.message}` : null,
  ]
    .filter(Boolean)
    .map((line) => el('div', null, [line]));
  root.appendChild(
    el('div', { className: 'triple' }, [
      pane('Customer', [el('div', { className: 'text', id: 'detail-question' }, [ticket.question])]),
      pane('Human reply', [el('div', { className: 'text', id: 'detail-human' }, [ticket.humanReply || '(no reply text)'])]),
      pane(`AI answer · ${answer.candidate}`, [
        el('div', null, [badge(answer.verdict)]),
        el('div', { className: 'text', id: 'detail-answer' }, [answer.text || '(no answer text)']),
        el('div', { className: 'meta' }, details),
        el('div', { className: 'meta' }, ['Sources:']),
        answer.sources.length ? el('ul', { className: 'meta' }, answer.sources.map(sourceItem)) : el('div', { className: 'meta' }, ['none']),
        ...contextRecallPane(answer.context),
      ]),
    ]),
  );
  const judges = el('table', { id: 'detail-judges' });
  table(
    judges,
    ['Judge', 'Score', 'Reason'],
    answer.judges.map((j) => [j.judge, j.score === null ? 'cannot judge' : j.score.toFixed(2), j.reason]),
    [false, true, false],
  );
  root.appendChild(el('h3', null, ['Judges']));
  root.appendChild(answer.judges.length ? judges : el('p', { className: 'note' }, ['No judge scored this answer.']));
  root.scrollIntoView({ block: scroll ? 'start' : 'nearest' });
}

let timer: ReturnType<typeof setTimeout> | undefined;
fText.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(applyFilters, 150);
});
for (const select of [fCandidate, fVerdict, fOutcome, fTag]) select.addEventListener('change', applyFilters);
byId('prev').addEventListener('click', () => {
  page--;
  renderRows();
});
byId('next').addEventListener('click', () => {
  page++;
  renderRows();
});

renderDecision(report, { openTicket: (id, candidate) => openTicket(id, candidate, true) });
renderFocus();
if (report.rules && byId('rules')) renderRules(report.rules, { candidates: candidates.map((c) => c.candidate), ticketsOf: new Map(metrics.candidates.map((c) => [c.candidate, c.tickets])), ticketLink: (id) => (ticketIndex.has(id) ? ticketLink(id, () => focusSelect.value, 'rule-example') : null) });
applyFilters();
// Charts draw synchronously with animation off; the frame after is when pixels are on screen.
requestAnimationFrame(() => {
  document.body.dataset.ready = '1';
});

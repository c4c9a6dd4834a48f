/// <reference lib="dom" />
import type { Ratio, RuleResult, TicketRef } from '../../eval/rules/metrics.ts';
import type { RulesInRun } from '../../eval/rules/in-run.ts';
import { byId, clear, COLORS, el, int, pane, pct, tableOr, type Child } from './dom.ts';

/**
 * The rules section (issue 10): present only when the run replayed helpdesk rules. Rule names and
 * ticket subjects are untrusted like every other string here: text nodes only.
 */

const RULE_CHART_MAX = 12;
const OVERLAPS_MAX = 20;

export interface RulesContext {
  /** Candidates in the cards' order. */
  candidates: readonly string[];
  ticketsOf: ReadonlyMap<string, number>;
  /** A link opening the ticket in the explorer, or null when the explorer does not hold it. */
  ticketLink(id: string): HTMLElement | null;
}

function ratioText(r: Ratio | null | undefined): string {
  return !r || r.value === null ? '–' : `${pct(r.value)} (${int(r.numerator)}/${int(r.denominator)})`;
}

function countShare(count: number, total: number): string {
  return int(count) + (total > 0 ? ` (${pct(count / total)})` : '');
}

/** Every month from the period's first to its last, plus any month named in `extra`. */
function monthRange(period: { from: string; to: string } | null, extra: readonly string[]): string[] {
  const seen = new Set(extra);
  if (period) {
    let year = Number(period.from.slice(0, 4));
    let month = Number(period.from.slice(5, 7));
    const last = period.to.slice(0, 7);
    for (let guard = 0; guard < 1200; guard++) {
      const key = `${year}-${month < 10 ? '0' : ''}${month}`;
      seen.add(key);
      if (key >= last) break;
      month++;
      if (month > 12) {
        month = 1;
        year++;
      }
    }
  }
  return [...seen].sort();
}

export function renderRules(rules: RulesInRun, context: RulesContext): void {
  /** Example tickets as "id · subject"; an id the explorer holds opens it there. */
  const ticketRefs = (refs: readonly TicketRef[] | undefined): HTMLElement => {
    if (!refs || !refs.length) return el('span', { className: 'note' }, ['none']);
    return el(
      'ul',
      { className: 'refs' },
      refs.map((ref) => el('li', null, [context.ticketLink(ref.id) ?? ref.id, ref.subject ? ' · ' : null, ref.subject || null])),
    );
  };
  const { result } = rules;
  const within = result.replyWithinMinutes;
  const enabled = result.rules.filter((rule) => rule.enabled);
  byId('rules-info').textContent =
    `Rules file ${rules.file} · ${enabled.length} of ${result.rules.length} rules enabled, replayed on ${int(result.tickets)} tickets` +
    `${result.period ? ` (${result.period.from.slice(0, 10)} – ${result.period.to.slice(0, 10)})` : ''} before the candidates answer them.`;

  // Chart: the most-fired rules only, so a large rules file keeps a readable legend and a light page.
  const charted = enabled
    .filter((rule) => rule.fired.tickets > 0)
    .sort((a, b) => b.fired.tickets - a.fired.tickets)
    .slice(0, RULE_CHART_MAX);
  const months = monthRange(
    result.period,
    charted.flatMap((rule) => Object.keys(rule.fired.byMonth)),
  );
  new Chart(byId<HTMLCanvasElement>('rules-chart'), {
    type: 'line',
    data: {
      labels: months,
      datasets: charted.map((rule, index) => {
        const color = COLORS[index % COLORS.length];
        return { label: rule.name, data: months.map((month) => rule.fired.byMonth[month] ?? 0), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 2 };
      }),
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'tickets fired on' } } }, plugins: { legend: { position: 'bottom' } } },
  });
  const fired = enabled.filter((rule) => rule.fired.tickets > 0).length;
  if (fired > charted.length) byId('rules-chart').parentElement!.after(el('p', { className: 'note' }, [`The ${charted.length} most-fired of ${fired} rules that fired.`]));

  // Per rule
  const head = ['Rule', 'Tickets fired', 'Share', 'Tag precision', 'Tag recall', 'Assign precision', 'Assign recall', 'Auto-replies', `Answered within ${within} min anyway`, 'Never answered', 'Priority', 'Closed'];
  const numeric = [false, true, true, true, true, true, true, false, true, true, false, false];
  const node = byId('rules-table');
  clear(node);
  node.appendChild(el('thead', null, [el('tr', null, head.map((text, index) => el('th', numeric[index] ? { className: 'num' } : null, [text])))]));
  const body = el('tbody');
  result.rules.forEach((rule, index) => {
    const td = (text: Child, column: number) => el('td', numeric[column] ? { className: 'num' } : null, [text]);
    const cells: HTMLElement[] = [
      el('td', { className: 'rule-name' }, [el('div', null, [rule.name, rule.enabled ? null : ' ', rule.enabled ? null : el('span', { className: 'badge' }, ['disabled'])]), el('div', { className: 'meta trigger' }, [rule.trigger])]),
    ];
    if (!rule.enabled) {
      cells.push(el('td', { colspan: String(head.length - 1), className: 'note' }, ['Disabled: listed, not simulated.']));
    } else {
      const reply = rule.autoReply;
      const assignment = rule.assignment;
      cells.push(
        td(int(rule.fired.tickets) + (rule.fired.events > rule.fired.tickets ? ` (${int(rule.fired.events)} firings)` : ''), 1),
        td(pct(rule.fired.share.value), 2),
        td(rule.tags ? ratioText(rule.tags.precision) : '–', 3),
        td(rule.tags ? ratioText(rule.tags.recall) : '–', 4),
      );
      if (assignment && !assignment.comparable) cells.push(el('td', { colspan: '2' }, ['team — not comparable']));
      else cells.push(td(assignment ? ratioText(assignment.precision) : '–', 5), td(assignment ? ratioText(assignment.recall) : '–', 6));
      cells.push(
        td(reply ? `${int(reply.tickets)} tickets · ${int(reply.customers)} customers` : '–', 7),
        td(reply ? countShare(reply.answeredWithin, reply.tickets) : '–', 8),
        td(reply ? countShare(reply.neverAnswered, reply.tickets) : '–', 9),
        td(rule.priority ? `${rule.priority.priority} on ${int(rule.priority.tickets)}` : '–', 10),
        td(rule.close ? int(rule.close.tickets) + (rule.close.agentRepliedAfter ? `, ${int(rule.close.agentRepliedAfter)} answered after` : '') : '–', 11),
      );
    }
    const tr = el('tr', { className: rule.enabled ? '' : 'disabled', dataset: { rule: String(index) } }, cells);
    tr.addEventListener('click', () => openRule(index));
    body.appendChild(tr);
  });
  node.appendChild(body);

  function openRule(index: number): void {
    const rule: RuleResult = result.rules[index]!;
    for (const tr of Array.from(body.children) as HTMLElement[]) tr.classList.toggle('open', tr.dataset.rule === String(index));
    const root = byId('rule-detail');
    clear(root);
    const actions: string[] = [];
    if (rule.tags) actions.push(`adds ${rule.tags.byTag.map((t) => t.tag).join(', ')}`);
    if (rule.assignment) actions.push(`assigns ${rule.assignment.agent !== undefined ? rule.assignment.agent : `team ${rule.assignment.team}`}`);
    if (rule.priority) actions.push(`priority ${rule.priority.priority}`);
    if (rule.autoReply) actions.push(`auto-replies (${int(rule.autoReply.replies)} sent)`);
    if (rule.close) actions.push('closes');
    root.appendChild(el('h3', null, ['Rule: ', rule.name, rule.enabled ? null : ' · disabled']));
    root.appendChild(el('p', { className: 'meta' }, [`${rule.trigger} · ${actions.join(' · ')} · fired on ${int(rule.fired.tickets)} tickets`]));
    const panes = [pane('Fired on', [ticketRefs(rule.examples)])];
    for (const t of rule.tags?.byTag ?? []) {
      panes.push(pane(`Tag ${t.tag}: agents agreed`, [ticketRefs(t.examples.hit)]));
      panes.push(pane(`Tag ${t.tag}: agents tagged, rule missed`, [ticketRefs(t.examples.missed)]));
      panes.push(pane(`Tag ${t.tag}: rule tagged, agents did not`, [ticketRefs(t.examples.extra)]));
    }
    const assignment = rule.assignment;
    if (assignment && assignment.comparable) {
      panes.push(pane('Assigned as agents did', [ticketRefs(assignment.examples.hit)]));
      panes.push(pane(`Agents assigned ${assignment.agent}, rule missed`, [ticketRefs(assignment.examples.missed)]));
      panes.push(pane('Rule assigned, agents chose someone else', [ticketRefs(assignment.examples.extra)]));
    }
    if (rule.autoReply) {
      panes.push(pane(`Auto-replied, an agent answered within ${within} min anyway`, [ticketRefs(rule.autoReply.examples.answeredAnyway)]));
      panes.push(pane(`Auto-replied, no agent answer within ${within} min`, [ticketRefs(rule.autoReply.examples.notAnswered)]));
    }
    root.appendChild(rule.enabled ? el('div', { className: 'examples' }, panes) : el('p', { className: 'note' }, ['A disabled rule is listed, not simulated.']));
  }
  const first = result.rules.findIndex((rule) => rule.enabled && rule.fired.tickets > 0);
  if (first >= 0) openRule(first);

  tableOr(
    byId('rules-conflicts'),
    ['Conflict', 'Rules', 'Tickets', 'Examples'],
    result.conflicts.map((c) => [c.kind, `${c.rules[0]} vs ${c.rules[1]}`, int(c.tickets), ticketRefs(c.examples)]),
    [false, false, true, false],
    'No two rules set different assignees or priorities on one ticket.',
  );

  const overlaps: Child[][] = result.overlaps.slice(0, OVERLAPS_MAX).map((o) => [`${o.rules[0]} and ${o.rules[1]}`, int(o.tickets), ticketRefs(o.examples)]);
  if (result.overlaps.length > OVERLAPS_MAX) overlaps.push([`… ${int(result.overlaps.length - OVERLAPS_MAX)} more pairs`, '', '']);
  tableOr(byId('rules-overlaps'), ['Rules', 'Tickets', 'Examples'], overlaps, [false, true, false], 'No two rules fired on the same ticket.');

  tableOr(
    byId('rules-tags'),
    ['Tag', 'Rules tagged', 'Agents tagged', 'Both', 'Precision', 'Recall'],
    result.tags.map((t) => [t.tag, int(t.tagged), int(t.agentTagged), int(t.agreed), ratioText(t.precision), ratioText(t.recall)]),
    [false, true, true, true, true, true],
    'The rules add no tag.',
  );

  const names = [...context.candidates.filter((name) => name in rules.bothSent), ...Object.keys(rules.bothSent).filter((name) => !context.ticketsOf.has(name))];
  tableOr(
    byId('rules-both'),
    ['Candidate', 'Tickets', 'Examples'],
    names.map((name) => {
      const both = rules.bothSent[name]!;
      const tickets = context.ticketsOf.get(name);
      return [name, tickets ? countShare(both.tickets, tickets) : int(both.tickets), ticketRefs(both.examples)];
    }),
    [false, true, false],
    'No candidate in this run.',
  );

  const billing = rules.billing;
  tableOr(
    byId('rules-billing'),
    ['Month', 'Tickets billable only because a rule replied', 'Auto-replies sent'],
    [...billing.byMonth.map((m) => [m.month, int(m.addedBillable), int(m.autoReplies)]), ['Total', int(billing.addedBillable), int(billing.autoReplies)]],
    [false, true, true],
    '',
  );
}

/// <reference lib="dom" />
import { decide, STRICTNESS_LEVELS, type Assumptions, type Decision } from '../../eval/pricing/decision.ts';
import type { Strictness } from '../../eval/pricing/volumes.ts';
import type { RunReport } from '../../eval/metrics/run-report.ts';
import { money } from '../_format.ts';
import { assumptionLines, breakEvenText, cheapestPlan, headlineText, provenanceText, quotedText, savingsText, ticketsText, wrongText } from '../decision-text.ts';
import { byId, clear, el, table } from './dom.ts';

/**
 * The decision section and its what-if inputs. Every figure comes from `decide`, the function the
 * terminal and the Markdown print from, run again here on the reader's assumptions.
 */

export interface DecisionViewContext {
  openTicket(id: string, candidate: string): void;
}

interface Inputs {
  volume: HTMLInputElement;
  human: HTMLInputElement;
  growth: HTMLInputElement;
  strictness: HTMLSelectElement;
  threshold: HTMLInputElement;
}

/** The page's inputs as they stand; an empty or out-of-range one is left out and marked invalid. */
function readInputs(inputs: Inputs, base: Assumptions): Partial<Assumptions> {
  const number = (input: HTMLInputElement, valid: (value: number) => boolean, scale = 1): number | undefined => {
    const value = input.value.trim() === '' ? Number.NaN : Number(input.value) / scale;
    const ok = Number.isFinite(value) && valid(value);
    input.setAttribute('aria-invalid', String(!ok));
    return ok ? value : undefined;
  };
  const read: Partial<Assumptions> = {
    monthlyTickets: number(inputs.volume, (value) => value > 0),
    humanCostPerTicket: number(inputs.human, (value) => value >= 0),
    growth: number(inputs.growth, (value) => value > -1, 100),
    strictness: inputs.strictness.value as Strictness,
    threshold: number(inputs.threshold, (value) => value >= 0 && value <= 1),
  };
  // Only what the reader changed is an override, so the other assumptions keep saying where they came from.
  const changed = (Object.keys(read) as Array<keyof Assumptions>).filter((key) => {
    const value = read[key];
    return value !== undefined && (typeof value === 'number' ? Math.abs(value - (base[key] as number)) > 1e-12 : value !== base[key]);
  });
  return Object.fromEntries(changed.map((key) => [key, read[key]]));
}

function fill(inputs: Inputs, assumptions: Assumptions): void {
  inputs.volume.value = String(assumptions.monthlyTickets);
  inputs.human.value = assumptions.humanCostPerTicket.toFixed(2);
  inputs.growth.value = String(Math.round(assumptions.growth * 1e6) / 1e4);
  inputs.strictness.value = assumptions.strictness;
  inputs.threshold.value = assumptions.threshold.toFixed(2);
  for (const input of [inputs.volume, inputs.human, inputs.growth, inputs.threshold]) input.setAttribute('aria-invalid', 'false');
}

function draw(decision: Decision, chosen: HTMLSelectElement, context: DecisionViewContext): void {
  const { currency } = decision;
  byId('decision-headline').textContent = headlineText(decision);
  byId('decision-baseline').textContent = `All-human, the same baseline for every plan: ${money(decision.baseline.monthly, currency)} a month, ${money(decision.baseline.twelveMonths, currency)} over 12 months.`;
  table(
    byId('decision-table'),
    ['Candidate', `Automation you can quote (${decision.assumptions.strictness})`, 'Wrong answers sent', 'Cheapest plan', 'A month', '12 months', 'Against all-human'],
    decision.candidates.map((candidate) => {
      const plan = cheapestPlan(candidate);
      return [
        candidate.candidate,
        quotedText(candidate.automation),
        wrongText(candidate),
        plan?.label ?? '–',
        plan ? money(plan.monthly, currency) : '–',
        plan ? money(plan.twelveMonths, currency) : '–',
        plan ? savingsText(plan.savings, currency) : '–',
      ];
    }),
    [false, false, true, false, true, true, true],
  );
  const rows = Array.from(byId('decision-table').querySelectorAll('tbody tr')) as HTMLElement[];
  rows.forEach((row, index) => {
    const name = decision.candidates[index]!.candidate;
    row.dataset.candidate = name;
    row.classList.toggle('best', name === decision.cheapest?.candidate);
  });

  const candidate = decision.candidates.find((entry) => entry.candidate === chosen.value) ?? decision.candidates[0];
  if (!candidate) return;
  table(
    byId('decision-plans'),
    ['Plan', 'A month', '12 months', 'Against all-human', 'Price'],
    candidate.plans.map((plan) => [plan.cheapest ? `${plan.label} · cheapest` : plan.label, money(plan.monthly, currency), money(plan.twelveMonths, currency), savingsText(plan.savings, currency), provenanceText(plan)]),
    [false, true, true, true, false],
  );
  (Array.from(byId('decision-plans').querySelectorAll('tbody tr')) as HTMLElement[]).forEach((row, index) => {
    const plan = candidate.plans[index]!;
    row.dataset.plan = plan.id;
    row.classList.toggle('best', plan.cheapest);
  });
  byId('decision-breakeven').textContent = `Break-even: ${breakEvenText(candidate, decision)}.`;

  const fix = byId('decision-fix');
  clear(fix);
  if (!candidate.fixFirst.length) fix.appendChild(el('li', { className: 'note' }, ['No knowledge gap found.']));
  for (const gap of candidate.fixFirst) {
    const examples = gap.examples.map((id) => {
      const link = el('a', { href: '#explorer', className: 'gap-example' }, [id]);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        context.openTicket(id, candidate.candidate);
      });
      return el('span', null, [' ', link]);
    });
    fix.appendChild(el('li', null, [`${gap.label}: up to ${ticketsText(gap.perMonth)} tickets a month (${gap.tickets} in the run) ·`, ...examples]));
  }

  const list = byId('decision-assumptions');
  clear(list);
  for (const [name, text] of assumptionLines(decision)) list.append(el('dt', null, [name]), el('dd', null, [text]));
}

export function renderDecision(report: RunReport, context: DecisionViewContext): void {
  const base = report.pricing.decisionInputs;
  const inputs: Inputs = {
    volume: byId<HTMLInputElement>('wi-volume'),
    human: byId<HTMLInputElement>('wi-human'),
    growth: byId<HTMLInputElement>('wi-growth'),
    strictness: byId<HTMLSelectElement>('wi-strictness'),
    threshold: byId<HTMLInputElement>('wi-threshold'),
  };
  for (const level of STRICTNESS_LEVELS) inputs.strictness.appendChild(el('option', { value: level }, [level]));
  const chosen = byId<HTMLSelectElement>('decision-candidate');
  const first = decide(base, report.gaps);
  for (const candidate of first.candidates) chosen.appendChild(el('option', { value: candidate.candidate }, [candidate.candidate]));
  chosen.value = first.cheapest?.candidate ?? first.candidates[0]?.candidate ?? '';
  fill(inputs, base.assumptions);

  let current = first;
  const update = () => {
    current = decide(base, report.gaps, readInputs(inputs, base.assumptions));
    draw(current, chosen, context);
  };
  for (const input of [inputs.volume, inputs.human, inputs.growth, inputs.threshold]) input.addEventListener('input', update);
  inputs.strictness.addEventListener('change', update);
  chosen.addEventListener('change', () => draw(current, chosen, context));
  byId('wi-reset').addEventListener('click', () => {
    fill(inputs, base.assumptions);
    update();
  });
  draw(first, chosen, context);
}

import type { CorrectedFigure } from '../eval/metrics/corrected-rates.ts';
import type { Rate } from '../eval/metrics/metrics.ts';
import type { BilledAutomation, RunPricing } from '../eval/pricing/price-run.ts';
import type { Proportion } from '../eval/metrics/ppi.ts';

/** How every text report writes a rate: the estimate and its 95% interval. */
export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;
}

export function rateText(rate: Pick<Rate, 'value' | 'low' | 'high'>): string {
  if (rate.value === null) return '–';
  const interval = rate.low === null || rate.high === null ? '' : ` (${percent(rate.low)}–${percent(rate.high)})`;
  return `${percent(rate.value)}${interval}`;
}

/** What every report says "corrected" means, once, next to the corrected figures. */
export const CORRECTED_MEANING =
  "Corrected = prediction-powered inference: people's labels on a sample of answers remove the judge's bias, and the judge's verdicts on the other tickets narrow the 95% interval.";

/** A judge's figure beside its label-corrected estimate: "31% (judge) · 17% (13–21%) corrected". */
export function correctedText(figure: CorrectedFigure): string {
  const { estimate, low, high } = figure.corrected;
  return `${percent(figure.judge)} (judge) · ${estimate === null ? 'not corrected' : `${rateText({ value: estimate, low, high })} corrected`}`;
}

/** Precision of automated: "55% (48–62%), 60 of 110 labelled automated answers correct". */
export function precisionText(precision: Proportion): string {
  if (precision.trials === 0) return 'no labelled automated answer';
  return `${rateText(precision)}, ${precision.successes} of ${precision.trials} labelled automated answers correct`;
}

/** Which automated share a candidate's costs bill; undefined when no labels were imported. */
export function costBasisText(pricing: RunPricing, candidate: string): string | undefined {
  const billed: BilledAutomation | undefined = pricing.automation?.[candidate];
  if (!billed) return undefined;
  const rate = `${pricing.strictness} automation rate`;
  return billed.corrected === null
    ? `costs use the judge's ${rate}, ${percent(billed.judge)}: ${billed.uncorrected}`
    : `costs use the label-corrected ${rate}, ${percent(billed.corrected)} instead of the judge's ${percent(billed.judge)}`;
}

/** Money to the cent, always: "$1.50", never "$2". */
export function money(amount: number, currency: string): string {
  // A saving of -0.001 rounds to "-$0.00": nothing, printed as nothing.
  const cents = Math.round(amount * 100) / 100 || 0;
  return cents.toLocaleString('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/**
 * Text made safe for one Markdown table cell: rule names and ticket fields are untrusted, so a
 * pipe or a newline cannot end the cell or the row, markup characters show as themselves and HTML
 * (which GitHub renders in a step summary) stays text.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]|~#!]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

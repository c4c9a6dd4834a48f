import type { Rate } from '../eval/metrics.ts';

/** How every text report writes a rate: the estimate and its 95% interval. */
export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;
}

export function rateText(rate: Rate): string {
  if (rate.value === null) return '–';
  const interval = rate.low === null || rate.high === null ? '' : ` (${percent(rate.low)}–${percent(rate.high)})`;
  return `${percent(rate.value)}${interval}`;
}

export function money(amount: number, currency: string): string {
  return amount.toLocaleString('en-US', { style: 'currency', currency, maximumFractionDigits: 0 });
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

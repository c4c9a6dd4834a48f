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

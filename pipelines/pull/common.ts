import type { Budget } from './source.ts';
import { ShadowdeskError } from '../../errors.ts';

/** The values of the named environment variables; one error names every one missing. */
export function required<const Names extends readonly string[]>(env: NodeJS.ProcessEnv, helpdesk: string, names: Names): Record<Names[number], string> {
  const missing = names.filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `pull ${helpdesk} needs the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (see "pull" in docs/guide-support-lead.md); credentials are read from the environment only, never from a file or a flag`);
  }
  return Object.fromEntries(names.map((name) => [name, (env[name] as string).trim()])) as Record<Names[number], string>;
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The account's address: a bare name (`acme`), the vendor's host (`acme.zendesk.com`) or a whole
 * https URL. A whole URL may be http only on this machine, where the tests' fake APIs run.
 */
export function accountUrl(value: string, domain: string, variable: string): string {
  const name = value.toLowerCase().endsWith(`.${domain}`) ? value.slice(0, -domain.length - 1) : value;
  if (/^[a-z0-9][a-z0-9-]{0,62}$/i.test(name)) return `https://${name}.${domain}/`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ShadowdeskError('SD_INPUT_INVALID', `${variable}: "${value}" is neither an account name nor a URL`);
  }
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `${variable}: ${url.origin} must be https (credentials never travel in clear)`);
  }
  return `${url.origin}/`;
}

/** A date header or field in ms since the epoch; undefined when unreadable. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Where `at` falls in the window, 0 to 1; `descending` when pages go from the newest back. */
export function fractionOf(at: number | undefined, window: { since: number; until: number }, descending = false): number | undefined {
  if (at === undefined || window.until <= window.since) return undefined;
  const share = (at - window.since) / (window.until - window.since);
  return Math.min(1, Math.max(0, descending ? 1 - share : share));
}

/** A "requests left" header as a budget; `refillMs` when the header says nothing of the reset. */
export function budgetOf(remaining: string | null, refillMs: number): Budget | undefined {
  const left = remaining === null ? Number.NaN : Number(remaining);
  return Number.isFinite(left) ? { remaining: left, refillMs } : undefined;
}

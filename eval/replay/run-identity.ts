import { createHash } from 'node:crypto';
import packageJson from '../../package.json' with { type: 'json' };
import type { Ticket } from '../../datasets/records.ts';
import type { IndexManifest } from '../../pipelines/index-manifest.ts';
import type { LlmJudgeOptions } from '../judges/llm-judge.ts';
import type { JsonValue, Responder } from '../types.ts';

/** Which past tickets a run replays. */
export interface Selection {
  /** Only tickets created in the last N days of the history. */
  holdoutDays?: number;
  /** A seeded random sample of this many tickets (after the holdout cut). */
  sample?: number;
  /** @default 42 */
  seed?: number;
  /** This job's share of the tickets, e.g. { index: 1, count: 4 } for `--shard 2/4`. */
  shard?: { index: number; count: number };
}

/**
 * What makes two runs the same run: the tickets asked, what answers them, what judges them and
 * the index they search. Answers in a run folder are resumed only into a run of the same identity,
 * so a report never mixes the answers of two configurations.
 */
export interface RunIdentity {
  /** SHA-256 over everything below but `selection`: equal keys, same run. */
  key: string;
  /** The built-in candidates' and judges' code. */
  shadowdesk: string;
  /** As asked; `tickets` is what counts, so two selections that pick the same tickets are one run. */
  selection: Selection;
  /** Every selected ticket as read from the import: a new import can change them under the same selection. */
  tickets: { count: number; hash: string };
  /** By id; `config` is null for a responder that carries none (only its id then tells it apart). */
  candidates: Array<{ id: string; config: JsonValue | null }>;
  judges: { llm: JsonValue | null };
  /**
   * The index searched. A run refitted per period rebuilds it for each period (and again on a
   * resume), so only its import and model are named: each period's fit follows from them and the
   * tickets.
   */
  index: Pick<IndexManifest, 'importId' | 'tables' | 'modelKey'> | Pick<IndexManifest, 'importId' | 'model'>;
  /** Tries per ticket of each candidate that consults a model; absent for a run that was not repeated, so its key is unchanged. */
  repeat?: number;
  /** Days between refits of the built-in model (`refitEvery`); absent when one model served the window, so its key is unchanged. */
  refitEvery?: number;
}

export interface RunIdentityInputs {
  selection: Selection;
  tickets: readonly Ticket[];
  candidates: readonly Responder[];
  llmJudge?: LlmJudgeOptions;
  manifest: IndexManifest;
  /** @default 1 */
  repeat?: number;
  refitEvery?: number;
}

/** How an endpoint is reached, not what it answers: a resume may change them (a lower rate after 429s, a longer timeout). */
const TRANSPORT_SETTINGS = new Set(['apiKeyEnv', 'timeoutMs', 'maxRetries', 'retryBaseMs', 'concurrency', 'requestsPerMinute', 'cache', 'cacheDir']);

function withoutTransport(settings: JsonValue): JsonValue {
  return isObject(settings) ? Object.fromEntries(Object.entries(settings).filter(([key]) => !TRANSPORT_SETTINGS.has(key))) : settings;
}

/** JSON with every object's keys sorted: the same config written in another order is the same config. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member) ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : member,
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function runIdentity(inputs: RunIdentityInputs): RunIdentity {
  const tickets = createHash('sha256');
  for (const ticket of inputs.tickets) tickets.update(`${JSON.stringify(ticket)}\n`);
  const { importId, tables, modelKey, model } = inputs.manifest;
  const parts = {
    shadowdesk: packageJson.version,
    tickets: { count: inputs.tickets.length, hash: tickets.digest('hex') },
    candidates: inputs.candidates.map((candidate) => ({ id: candidate.id, config: candidate.config === undefined ? null : withoutTransport(candidate.config) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    judges: { llm: inputs.llmJudge ? withoutTransport({ ...inputs.llmJudge.endpoint, redact: inputs.llmJudge.redact }) : null },
    index: inputs.refitEvery === undefined ? { importId, tables, modelKey } : { importId, model },
    ...(inputs.repeat !== undefined && inputs.repeat > 1 && { repeat: inputs.repeat }),
    ...(inputs.refitEvery !== undefined && { refitEvery: inputs.refitEvery }),
  };
  return { key: sha256(canonicalJson(parts)), selection: inputs.selection, ...parts };
}

export function describeSelection(selection: Selection): string {
  const parts = [
    selection.holdoutDays !== undefined && `last ${selection.holdoutDays} days`,
    selection.sample !== undefined && `sample of ${selection.sample}, seed ${selection.seed ?? 42}`,
    selection.shard && `shard ${selection.shard.index + 1}/${selection.shard.count}`,
  ].filter((part) => part !== false && part !== undefined);
  return parts.join(', ') || 'every ticket';
}

function isObject(value: JsonValue | null): value is { [key: string]: JsonValue | undefined } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How two configs of one candidate or judge differ: the settings that changed. */
function configChange(before: JsonValue | null, now: JsonValue | null): string {
  if (before === null || now === null) return before === null ? 'no settings then, some now' : 'settings then, none now';
  if (!isObject(before) || !isObject(now)) return 'settings changed';
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  return `${keys.filter((key) => canonicalJson(before[key]) !== canonicalJson(now[key])).join(', ')} changed`;
}

function candidateDifferences(before: RunIdentity['candidates'], now: RunIdentity['candidates']): string[] {
  const ids = (candidates: RunIdentity['candidates']) => candidates.map((candidate) => candidate.id).join(', ');
  if (ids(before) !== ids(now)) return [`the candidates (${ids(before)} then; ${ids(now)} now)`];
  return now.flatMap((candidate, index) => {
    const earlier = before[index]!.config;
    return canonicalJson(earlier) === canonicalJson(candidate.config) ? [] : [`candidate "${candidate.id}" (${configChange(earlier, candidate.config)})`];
  });
}

/** What differs between the run a folder holds and the run asked for, in a support lead's words. */
export function identityDifferences(before: RunIdentity, now: RunIdentity): string[] {
  const differences: string[] = [];
  if (before.tickets.hash !== now.tickets.hash) {
    const [then, current] = [before, now].map((identity) => `${identity.tickets.count} tickets, ${describeSelection(identity.selection)}`);
    differences.push(then === current ? 'the tickets (same selection, but the import changed them)' : `the tickets (${then} then; ${current} now)`);
  }
  differences.push(...candidateDifferences(before.candidates, now.candidates));
  if (canonicalJson(before.judges) !== canonicalJson(now.judges)) differences.push(`the LLM judge (${configChange(before.judges.llm, now.judges.llm)})`);
  // A change of refits changes what the index part names: said once, below.
  if (before.refitEvery === now.refitEvery && canonicalJson(before.index) !== canonicalJson(now.index)) {
    differences.push(before.index.importId === now.index.importId ? 'the search index (rebuilt since)' : 'the search index (built from another import)');
  }
  const refit = (identity: RunIdentity) => (identity.refitEvery === undefined ? 'one model for the window' : `a refit every ${identity.refitEvery} days`);
  if (before.refitEvery !== now.refitEvery) differences.push(`the model's refits (${refit(before)} then, ${refit(now)} now)`);
  if ((before.repeat ?? 1) !== (now.repeat ?? 1)) differences.push(`the tries per ticket (--repeat ${before.repeat ?? 1} then, ${now.repeat ?? 1} now)`);
  if (before.shadowdesk !== now.shadowdesk) differences.push(`shadowdesk (${before.shadowdesk} then, ${now.shadowdesk} now)`);
  return differences;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { importSources, type ImportOptions, type ImportReport } from '../import.ts';
import { DEFAULT_WORKSPACE } from '../workspace.ts';
import { HELPDESKS, isHelpdeskName } from './index.ts';
import { CHECKPOINT_FILE, pullPages, type PullPagesOptions, type PullPagesReport } from './run.ts';
import type { PullWindow } from './source.ts';
import { zendeskEvents } from './zendesk.ts';

export interface PullOptions extends Omit<PullPagesOptions, 'out' | 'window'> {
  /** @default '.shadowdesk' */
  workspace?: string;
  /** The folder for the raw pages. @default `<workspace>/pulled/<helpdesk>` */
  out?: string;
  /** ISO date or date-time. @default two years before --until */
  since?: string;
  /** ISO date or date-time. @default now */
  until?: string;
  /** Write the pages and stop, without importing them. */
  noImport?: boolean;
  /** Zendesk: the replies from the incremental ticket events export instead of each ticket's comments. */
  events?: boolean;
  onImportProgress?: ImportOptions['onProgress'];
}

export interface PullReport {
  pull: PullPagesReport;
  /** Absent with `noImport`. */
  import?: ImportReport;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

function dateOf(value: string, flag: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new ShadowdeskError('SD_INPUT_INVALID', `${flag} "${value}" is not a date: write it as 2024-06-30 or 2024-06-30T12:00:00Z`);
  return ms;
}

/**
 * The dates to pull: those given, else those of the unfinished pull in the folder (so a plain
 * re-run resumes it), else the two years up to now.
 */
export async function pullWindow(folder: string, since: string | undefined, until: string | undefined, now = Date.now()): Promise<PullWindow> {
  const unfinished = await readFile(join(folder, CHECKPOINT_FILE), 'utf8').then((text) => (JSON.parse(text) as { window?: PullWindow }).window, () => undefined);
  const end = until !== undefined ? dateOf(until, '--until') : (unfinished?.until ?? now);
  const start = since !== undefined ? dateOf(since, '--since') : until === undefined && unfinished ? unfinished.since : end - 2 * YEAR_MS;
  if (start >= end) throw new ShadowdeskError('SD_INPUT_INVALID', `--since (${new Date(start).toISOString()}) must come before --until (${new Date(end).toISOString()})`);
  return { since: start, until: end };
}

/**
 * `shadowdesk pull`: reads a helpdesk's history through its API into a folder of raw pages,
 * then imports that folder as `shadowdesk import` would, with the same accounting.
 */
export async function pullHelpdesk(helpdesk: string, options: PullOptions = {}): Promise<PullReport> {
  if (!isHelpdeskName(helpdesk)) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `unknown helpdesk "${helpdesk}"; pull reads: ${Object.keys(HELPDESKS).join(', ')}`);
  }
  if (options.events && helpdesk !== 'zendesk') {
    throw new ShadowdeskError('SD_INPUT_INVALID', `--events reads Zendesk's ticket events export: ${helpdesk} has none, leave it out`);
  }
  const workspace = options.workspace ?? DEFAULT_WORKSPACE;
  const out = options.out ?? join(workspace, 'pulled', options.events ? 'zendesk-events' : helpdesk);
  const window = await pullWindow(out, options.since, options.until);
  const pulled = await pullPages(options.events ? zendeskEvents : HELPDESKS[helpdesk], { ...options, out, window }).catch((error: unknown) => {
    if (!options.signal?.aborted) throw error;
    throw new ShadowdeskError('SD_INTERRUPTED', `interrupted: the pages written so far are kept in ${out}; run the same pull again to go on from there`);
  });
  if (options.noImport) return { pull: pulled };
  try {
    const imported = await importSources([{ path: out }], { workspace, onProgress: options.onImportProgress, signal: options.signal });
    return { pull: pulled, import: imported };
  } catch (error) {
    if (!(error instanceof ShadowdeskError)) throw error;
    throw new ShadowdeskError(error.code, `${error.message}\nThe pulled pages are kept in ${out}: import them with \`shadowdesk import ${out}\` once the cause is fixed.`, { cause: error });
  }
}

import { lstat, readFile, rename, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isShadowdeskError, ShadowdeskError } from '../../errors.ts';
import { readJsonlPositions } from '../../pipelines/workspace.ts';
import { settledAnswer, type RecordedAnswer } from '../answer-failure.ts';
import { identityDifferences, type RunIdentity } from './run-identity.ts';
import type { ContextItem } from '../judges/context-recall.ts';
import type { Answer } from '../types.ts';

/**
 * A run folder: the answers (results.jsonl, appended per ticket), the identity of the run they
 * belong to (written before the first answer) and, once finished, run.json. Reading answers never
 * changes the file; only a resume cuts the one line a kill can leave half-written, the last.
 */

export const RESULTS_FILE = 'results.jsonl';
export const RUN_FILE = 'run.json';
export const IDENTITY_FILE = 'identity.json';
export const LATEST_RUN = 'latest';

/** One answer of one candidate to one ticket: a line of results.jsonl. */
export interface TicketResult {
  candidate: string;
  ticketId: string;
  createdAt: string;
  answer: Answer;
  /** The try, from 0, in a repeated run; absent in a run that was not repeated. */
  repeat?: number;
  /** In a repeated run, the candidate consulted no model on this ticket: every try would be this answer, so it was asked once. */
  answeredOnce?: true;
  /** What the agent's reply rested on, and whether this candidate's context held each; absent when nothing could be told. */
  context?: ContextItem[];
}

/** How the answers are read: a resume may cut a half-written last line, a report may not. */
export type ResultsReading = 'resume' | 'report';

/** Which try of a repeated run an answer is: 0, the first, also for a run that was not repeated. */
export function tryOf(result: Pick<TicketResult, 'repeat'>): number {
  return result.repeat ?? 0;
}

/** One answer per candidate, ticket and try: a resume asks only the tries not yet answered. */
export function resultKey(result: Pick<TicketResult, 'candidate' | 'ticketId' | 'repeat'>): string {
  return `${result.candidate}\u0000${result.ticketId}\u0000${tryOf(result)}`;
}

function asResult(text: string): TicketResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = value as Partial<TicketResult> | null;
  const isResult =
    typeof result === 'object' &&
    result !== null &&
    typeof result.candidate === 'string' &&
    typeof result.ticketId === 'string' &&
    typeof result.createdAt === 'string' &&
    typeof result.answer === 'object' &&
    result.answer !== null &&
    (result.repeat === undefined || (Number.isInteger(result.repeat) && result.repeat >= 0));
  if (!isResult) return undefined;
  // Lines an older version wrote carry a failure as an `error` string: read with their kind.
  return { ...(result as TicketResult), answer: settledAnswer(result.answer as RecordedAnswer) };
}

/**
 * The answers in a results file, one per candidate, ticket and try: a ticket asked again on a
 * resume (it had failed) is written after its earlier answer, and the later one counts.
 */
export async function readResultsFile(path: string, reading: ResultsReading): Promise<Map<string, TicketResult>> {
  const results = new Map<string, TicketResult>();
  const runDir = dirname(path);
  let cutAt: number | undefined;
  try {
    for await (const line of readJsonlPositions(path)) {
      if (!line.complete) {
        if (reading === 'report') {
          throw new ShadowdeskError('SD_INPUT_INVALID', `${path}:${line.number}: the last answer was cut short (the run was interrupted while writing it); resume the run with \`shadowdesk simulate --run ${runDir}\``);
        }
        cutAt = line.offset;
        continue;
      }
      const result = asResult(line.text);
      if (!result) {
        throw new ShadowdeskError('SD_INPUT_INVALID', `${path}:${line.number}: not an answer of this run (damaged or edited); fix or delete that line, then \`shadowdesk simulate --run ${runDir}\` answers its ticket again`);
      }
      results.set(resultKey(result), result);
    }
  } catch (cause) {
    if (isShadowdeskError(cause)) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && reading === 'resume') return results;
    const hint = code === 'ENOENT' ? `no answers in ${runDir}; replay it with \`shadowdesk simulate --run ${runDir}\`` : `cannot read the run's answers (${code ?? (cause as Error).message})`;
    throw new ShadowdeskError('SD_INPUT_INVALID', `${path}: ${hint}`, { cause });
  }
  if (cutAt !== undefined) await truncate(path, cutAt);
  return results;
}

/**
 * A run's answers, every try of a repeated run included, in a stable order (ticket creation, then
 * candidate, then try), whatever order they were written in. Never writes.
 */
export async function readResults(runDir: string): Promise<TicketResult[]> {
  const results = await readResultsFile(join(runDir, RESULTS_FILE), 'report');
  return [...results.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.ticketId.localeCompare(b.ticketId) || a.candidate.localeCompare(b.candidate) || tryOf(a) - tryOf(b));
}

async function recordedIdentity(file: string): Promise<RunIdentity | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ShadowdeskError('SD_INPUT_INVALID', `${file}: cannot read the run's identity (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, { cause });
  }
  const damaged = (cause?: unknown) =>
    new ShadowdeskError('SD_INPUT_INVALID', `${file}: damaged, so the answers beside it cannot be matched to a run; name a new folder with --run, or delete ${dirname(file)} to replace it`, { cause });
  let identity: Partial<RunIdentity> | null;
  try {
    identity = JSON.parse(text) as Partial<RunIdentity> | null;
  } catch (cause) {
    throw damaged(cause);
  }
  const complete = typeof identity?.key === 'string' && identity.selection && identity.tickets && Array.isArray(identity.candidates) && identity.judges && identity.index;
  if (!complete) throw damaged();
  return identity as RunIdentity;
}

async function holdsAnswers(runDir: string): Promise<boolean> {
  const file = join(runDir, RESULTS_FILE);
  const stats = await stat(file).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === 'ENOENT') return undefined;
    throw new ShadowdeskError('SD_INPUT_INVALID', `${file}: cannot read the run's answers (${cause.code ?? cause.message})`, { cause });
  });
  return (stats?.size ?? 0) > 0;
}

/**
 * Makes a folder the home of a run, before its first answer: an empty folder takes the run's
 * identity, a folder of the same run resumes it, and a folder holding anything else is refused,
 * saying what differs, so its answers are neither mixed into this run nor lost.
 */
export async function claimRunDir(runDir: string, identity: RunIdentity): Promise<void> {
  const file = join(runDir, IDENTITY_FILE);
  const recorded = await recordedIdentity(file);
  const elsewhere = `name a new folder with --run (or leave --run out: each run then gets its own folder under runs/, and runs/latest points to the newest), or delete ${runDir} to replace it`;
  if (recorded?.key === identity.key) return;
  if (recorded) {
    const differences = identityDifferences(recorded, identity);
    throw new ShadowdeskError('SD_INPUT_INVALID', `${runDir} holds another run, whose answers cannot be resumed into this one: ${differences.join('; ') || 'its identity'} differ. To answer this run, ${elsewhere}`);
  }
  if (await holdsAnswers(runDir)) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `${runDir} holds answers of a run that did not record what it was (an earlier shadowdesk, or shards merged), so they cannot be resumed into this one. To answer this run, ${elsewhere}`);
  }
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(identity, null, 2)}\n`);
  await rename(temporary, file);
}

/** The folder a run gets when none is named: one per identity, so running again resumes and another run never lands in it. */
export function ownRunDir(workspace: string, identity: RunIdentity): string {
  return join(workspace, 'runs', identity.key.slice(0, 12));
}

/**
 * Fails, before any answer, when runs/latest is a real folder (from an earlier shadowdesk): it
 * holds a run, and only a pointer can be moved to the newest run without touching one.
 */
export async function checkLatestIsPointer(workspace: string): Promise<void> {
  const latest = join(workspace, 'runs', LATEST_RUN);
  const stats = await lstat(latest).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === 'ENOENT') return undefined;
    throw new ShadowdeskError('SD_WORKSPACE', `${latest}: cannot read it (${cause.code ?? cause.message})`, { cause });
  });
  if (stats && !stats.isSymbolicLink()) {
    throw new ShadowdeskError(
      'SD_WORKSPACE',
      `${latest} is a run folder of an earlier shadowdesk; runs/latest now points to the newest run, each in its own folder. Rename it to keep it (\`mv ${latest} ${join(workspace, 'runs', 'earlier')}\`), or name this run's folder with --run`,
    );
  }
}

/** Points runs/latest at a run folder; the pointer is replaced in one rename, so a reader never finds it missing. */
export async function pointLatestAt(workspace: string, runDir: string): Promise<void> {
  const latest = join(workspace, 'runs', LATEST_RUN);
  const temporary = `${latest}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  // Relative, so a workspace that is moved or restored from a CI cache keeps pointing at its run.
  await symlink(basename(runDir), temporary, 'junction');
  await rename(temporary, latest);
}

import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { ApiRefusal, createPageFetcher, type RequestPolicy, type RequestStats } from './http.ts';
import type { HelpdeskSource, PageRequest, PageResponse, PageStream, PullWindow, RecordStream } from './source.ts';

/** Where a pull stands: written after every page, so a killed pull resumes without asking for a finished page again. */
export interface Checkpoint {
  version: 1;
  helpdesk: string;
  window: PullWindow;
  streams: Record<string, StreamState>;
  /** The per-record reads (comments, translations, conversations) of the last page, while under way. */
  perRecord?: RecordWork;
}

interface StreamState {
  /** The next page to ask for; null once the stream is read to its end. */
  next: PageRequest | null;
  /** The next page without its cursor, should the API refuse the cursor. */
  fallback?: PageRequest;
  pages: number;
  records: number;
  progress?: number;
  /** Records of the per-record stream (comments, translations, conversations) read so far. */
  perRecordRecords?: number;
  /** Why an optional stream was not read: the account refused its first page. */
  unavailable?: string;
}

interface RecordWork {
  stream: string;
  ids: string[];
  /** Records before this one are read. */
  index: number;
}

export const CHECKPOINT_FILE = '.pull-checkpoint.json';

export interface PullProgress {
  stream: string;
  /** Records written so far in this pull, every stream together (resumed ones included). */
  records: number;
  /** How far through the current stream, 0 to 1, when the API lets it be told. */
  progress?: number;
  /** Streams finished, of all. */
  streamsDone: number;
  streams: number;
}

export interface PullPagesOptions extends RequestPolicy {
  /** Records whose per-record pages (comments) are read at once; the request ceiling still applies. @default 8 */
  concurrency?: number;
  /** The folder the raw pages go to, one file per page, exactly as the API sent it. */
  out: string;
  window: PullWindow;
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

export interface StreamSummary {
  stream: string;
  pages: number;
  records: number;
  /** Records of the per-record stream, e.g. comments. */
  perRecord?: { stream: string; records: number };
  /** Why an optional stream (a help center, triggers) was not read. */
  unavailable?: string;
}

export interface PullPagesReport {
  helpdesk: string;
  folder: string;
  window: { since: string; until: string };
  streams: StreamSummary[];
  /** What the folder held before: nothing, an interrupted pull now finished, or this very pull already finished (nothing asked again). */
  before: 'empty' | 'interrupted' | 'finished';
  requests: RequestStats;
  seconds: number;
}

/** A refusal of an optional stream's first page: the account has no such thing, or may not read it. */
function isAbsent(stream: PageStream, state: StreamState, error: unknown): error is ApiRefusal {
  return stream.optional !== undefined && state.pages === 0 && error instanceof ApiRefusal && (error.status === 403 || error.status === 404);
}

/**
 * Writes a file whole or not at all: a kill leaves either the old file or the new one.
 * Synchronously: a page is a few KB (a ticket export page a few MB), and the promise API's open,
 * write and close through the thread pool cost several times the CPU of the write itself, for
 * every page and every checkpoint (a 2,000-ticket Zendesk pull writes some 2,300 files).
 */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** The temporary file of a `writeAtomically` that a kill cut between its write and its rename. */
const LEFTOVER = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/** Removes what killed pulls left half-written: the page it held is asked for again. */
async function removeLeftovers(folder: string): Promise<void> {
  for (const name of await readdir(folder)) if (LEFTOVER.test(name)) await rm(join(folder, name), { force: true });
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A file name a path cannot escape through: record ids come from the API. */
const safeId = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);

async function readCheckpoint(folder: string): Promise<Checkpoint | undefined> {
  const text = await readFile(join(folder, CHECKPOINT_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Checkpoint;
  } catch (cause) {
    throw new ShadowdeskError('SD_WORKSPACE', `${join(folder, CHECKPOINT_FILE)} is not readable JSON: delete it (and the pages beside it) to pull again from the start`, { cause });
  }
}

/** Every stream read to its end, per-record reads included. */
function isFinished(checkpoint: Checkpoint, source: HelpdeskSource): boolean {
  return !checkpoint.perRecord && source.streams.every((stream) => checkpoint.streams[stream.name]?.next === null);
}

/** The checkpoint to go on from: the folder's own when it is this pull's, a fresh one when there is none. */
function startingPoint(existing: Checkpoint | undefined, source: HelpdeskSource, window: PullWindow, folder: string): Checkpoint {
  if (!existing) return { version: 1, helpdesk: source.name, window, streams: {} };
  const other = Object.keys(existing.streams).filter((name) => !source.streams.some((stream) => stream.name === name));
  const perRecord = existing.perRecord && !source.streams.some((stream) => stream.name === existing.perRecord?.stream && stream.perRecord);
  if (other.length > 0 || perRecord) {
    const read = other.length > 0 ? `also read ${other.join(', ')}` : `was reading pages for each of its ${existing.perRecord?.stream}`;
    throw new ShadowdeskError('SD_INPUT_INVALID', `${folder} holds a ${existing.helpdesk} pull made with other options (it ${read}; --events?): run it as it was, or pull into another folder (--out)`);
  }
  if (existing.helpdesk !== source.name || existing.window.since !== window.since || existing.window.until !== window.until) {
    const was = `${existing.helpdesk} from ${new Date(existing.window.since).toISOString()} to ${new Date(existing.window.until).toISOString()}`;
    const advice = isFinished(existing, source) ? `a finished pull of ${was}: pull` : `an unfinished pull of ${was}: run that pull again to finish it, or pull`;
    throw new ShadowdeskError('SD_INPUT_INVALID', `${folder} holds ${advice} into another folder (--out)`);
  }
  return existing;
}

/**
 * Reads every stream of a helpdesk into `out`, one file per page exactly as the API sent it,
 * with the checkpoint rewritten after each page. Run again after a crash, it picks up at the
 * first page not yet written; a page written but not yet checkpointed is asked for again and
 * overwrites its own file, so no record is there twice.
 */
export async function pullPages(source: HelpdeskSource, options: PullPagesOptions): Promise<PullPagesReport> {
  const started = performance.now();
  const connection = source.connect(options.env ?? process.env);
  const fetcher = createPageFetcher(source, connection, options);
  await mkdir(options.out, { recursive: true });
  await removeLeftovers(options.out);
  const existing = await readCheckpoint(options.out);
  const checkpoint = startingPoint(existing, source, options.window, options.out);
  const before = !existing ? 'empty' : isFinished(existing, source) ? 'finished' : 'interrupted';
  const concurrency = options.concurrency ?? 8;
  const save = () => writeAtomically(join(options.out, CHECKPOINT_FILE), JSON.stringify(checkpoint));
  const total = () => Object.values(checkpoint.streams).reduce((sum, state) => sum + state.records + (state.perRecordRecords ?? 0), 0);

  const report = (stream: PageStream, state: StreamState) =>
    options.onProgress?.({
      stream: stream.name,
      records: total(),
      ...(state.progress !== undefined && { progress: state.progress }),
      streamsDone: source.streams.filter((each) => checkpoint.streams[each.name]?.next === null && checkpoint.perRecord?.stream !== each.name).length,
      streams: source.streams.length,
    });

  /** Asks for a page; a refused cursor is asked for again by date when the source knows how. */
  async function fetchOrFallBack(state: StreamState): Promise<{ response: PageResponse & { text: string }; asked: PageRequest }> {
    const asked = state.next as PageRequest;
    try {
      return { response: await fetcher.fetchPage(asked), asked };
    } catch (error) {
      const refusedCursor = error instanceof ApiRefusal && (error.status === 400 || error.status === 422);
      if (!refusedCursor || !state.fallback) throw error;
      return { response: await fetcher.fetchPage(state.fallback), asked: state.fallback };
    }
  }

  /** Every page of one record's per-record stream (a ticket's comments), each written as it comes. */
  async function readRecord(perRecord: RecordStream, id: string): Promise<number> {
    let request: PageRequest | undefined = perRecord.first(id);
    let records = 0;
    for (let pages = 1; request; pages++) {
      const { text, body, headers } = await fetcher.fetchPage(request);
      const page = perRecord.page({ body, headers }, request);
      writeAtomically(join(options.out, `${perRecord.name}-${safeId(id)}-${pad(pages, 3)}.json`), text);
      records += page.records;
      request = page.next;
    }
    return records;
  }

  /**
   * The per-record reads of the last page, a few records at a time (the checkpoint moves after
   * each batch: a batch cut short is read again and its files overwritten, never doubled).
   */
  async function readPerRecord(stream: PageStream, state: StreamState): Promise<void> {
    const perRecord = stream.perRecord;
    const work = checkpoint.perRecord;
    if (!perRecord || !work || work.stream !== stream.name) return;
    while (work.index < work.ids.length) {
      options.signal?.throwIfAborted();
      const batch = work.ids.slice(work.index, work.index + concurrency);
      const counts = await Promise.all(batch.map((id) => readRecord(perRecord, id)));
      state.perRecordRecords = (state.perRecordRecords ?? 0) + counts.reduce((sum, count) => sum + count, 0);
      work.index += batch.length;
      save();
      report(stream, state);
    }
    delete checkpoint.perRecord;
    save();
  }

  for (const stream of source.streams) {
    const state = (checkpoint.streams[stream.name] ??= { next: stream.first(options.window), pages: 0, records: 0 });
    await readPerRecord(stream, state);
    while (state.next) {
      options.signal?.throwIfAborted();
      const fetched = await fetchOrFallBack(state).catch((error: unknown) => {
        if (!isAbsent(stream, state, error)) throw error;
        state.unavailable = `${stream.optional} (HTTP ${error.status})`;
        state.next = null;
        return undefined;
      });
      if (!fetched) break;
      const { response, asked } = fetched;
      const page = stream.page(response, options.window, asked);
      if (page.next && JSON.stringify(page.next) === JSON.stringify(asked)) {
        throw new ShadowdeskError('SD_INPUT_INVALID', `${source.name} sent ${stream.name} page ${state.pages + 1} with a link back to itself; stopped rather than loop (the pages so far are kept)`);
      }
      state.pages++;
      writeAtomically(join(options.out, `${stream.name}-${pad(state.pages, 6)}.json`), response.text);
      state.records += page.records;
      state.next = page.next ?? null;
      if (page.fallback) state.fallback = page.fallback;
      else delete state.fallback;
      if (page.progress !== undefined) state.progress = page.progress;
      if (stream.perRecord && page.ids?.length) checkpoint.perRecord = { stream: stream.name, ids: page.ids, index: 0 };
      save();
      report(stream, state);
      await readPerRecord(stream, state);
    }
    report(stream, state);
  }

  return {
    helpdesk: source.name,
    folder: options.out,
    window: { since: new Date(options.window.since).toISOString(), until: new Date(options.window.until).toISOString() },
    streams: source.streams.map((stream) => {
      const state = checkpoint.streams[stream.name] as StreamState;
      return {
        stream: stream.name,
        pages: state.pages,
        records: state.records,
        ...(stream.perRecord && { perRecord: { stream: stream.perRecord.name, records: state.perRecordRecords ?? 0 } }),
        ...(state.unavailable && { unavailable: state.unavailable }),
      };
    }),
    before,
    requests: fetcher.stats(),
    seconds: (performance.now() - started) / 1000,
  };
}

import { existsSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Order, Ticket } from '../../datasets/records.ts';
import { ShadowdeskError } from '../../errors.ts';
import { Random } from '../../datasets/text/random.ts';
import { batching } from '../../pipelines/batching.ts';
import { refreshIndex, type IndexProgress } from '../../pipelines/search-index.ts';
import { openSearcher, PAST_ANSWERS, type SearchHit, type Searcher } from '../../pipelines/search-tables.ts';
import { readManifest, type IndexManifest } from '../../pipelines/index-manifest.ts';
import type { Embedder } from '../../pipelines/embed/embedder.ts';
import { failedAnswer, failureOf, settledAnswer } from '../answer-failure.ts';
import { contextItems, linkKey, reliedOn, type Relied, type SeenContext } from '../judges/context-recall.ts';
import { DEFAULT_WORKSPACE, JsonlWriter, readJsonlLines, readJsonlLineSpans, readLineSpans, readRecords, recordsFile, type LineSpan } from '../../pipelines/workspace.ts';
import { ticketHistory } from '../judges/history.ts';
import type { LlmJudgeOptions } from '../judges/llm-judge.ts';
import { freshTry } from '../llm/client.ts';
import { checkLatestIsPointer, claimRunDir, ownRunDir, pointLatestAt, readResultsFile, resultKey, RESULTS_FILE, RUN_FILE, type TicketResult } from './run-folder.ts';
import { runIdentity, type Selection } from './run-identity.ts';
import { COMPUTING_CONCURRENCY } from './concurrency.ts';
import { ordersWhere } from '../judges/order-lines.ts';
import { ticketLineFacts } from '../judges/ticket-lines.ts';
import type { Answer, Responder, TicketContext } from '../types.ts';

/**
 * The replay: each selected past ticket is put, as the customer first wrote it, to every
 * candidate, with only what existed at its creation. Results are appended per ticket, so a run
 * that is killed resumes where it stopped and ends with the same results; only a run of the same
 * identity (tickets, candidates' configs, judges, index) resumes in a folder.
 */

export interface ReplayOptions {
  /** @default '.shadowdesk' */
  workspace?: string;
  /**
   * Where results.jsonl is written and resumed from; a folder holding another run is refused.
   * @default a folder of this run's own under `<workspace>/runs`, which runs/latest then points to
   */
  runDir?: string;
  candidates: Responder[];
  selection?: Selection;
  /** The LLM judge this run will be judged with: part of its identity. */
  llmJudge?: LlmJudgeOptions;
  /** Keep the failed answers of an earlier, interrupted run instead of asking those tickets again. */
  keepFailed?: boolean;
  /** Tickets answered at once. @default COMPUTING_CONCURRENCY (concurrency.ts); with a candidate that waits on an endpoint, four times its `concurrency` (the largest) */
  concurrency?: number;
  /**
   * Tries per ticket of each candidate that consults a model, each a fresh call (the response
   * cache is bypassed); a candidate that consults none answers once, as every try would be the
   * same. Part of the run's identity. @default 1
   */
  repeat?: number;
  /**
   * Refit the built-in model every this many days of the replay window: the window is cut into
   * periods from its start (`replayWindowStart`), and each period's tickets are answered with an
   * index whose model was fitted on what existed before that period's start. Part of the run's
   * identity. @default one model for the whole window, the index as it is
   */
  refitEvery?: number;
  /** Told while an index is rebuilt for a period (with `refitEvery`). */
  onIndexProgress?: (progress: IndexProgress) => void;
  onProgress?: (progress: { done: number; total: number }) => void;
  /**
   * The index's model, loaded or being loaded (and left loaded): the searcher starts reading the
   * index meanwhile. Loaded and disposed here otherwise. Not with `refitEvery`, whose periods each
   * search with their own model.
   */
  embedder?: Embedder | Promise<Embedder>;
}

/** Which model an index's vectors came from: its fit (built-in) and the cut-off it was fitted before. */
export interface IndexModel {
  /** `builtin`, a hub id or a model folder. */
  model: string;
  /** The built-in model's fit: the hash of the options and corpus it was fitted on. */
  fitHash?: string;
  /** The built-in model was fitted on what existed before this date; absent: on the whole import. */
  cutoff?: string;
}

/** A period of a window replayed with `refitEvery`: its tickets were answered with `model`. */
export interface ReplayPeriod {
  start: string;
  /** Tickets of this run (its sample and shard) created in the period. */
  tickets: number;
  model: IndexModel;
}

export interface ReplaySummary {
  tickets: number;
  /** Results already in the run folder from an earlier, interrupted run, kept as they were. */
  resumed: number;
  /** Failed answers from an earlier run whose tickets were asked again (once per resume). */
  retried: number;
  /** Answers asked in this call; a repeated run asks each try of a ticket once. */
  answered: number;
  /** Tries per ticket of each candidate that consults a model. */
  repeat: number;
  seconds: number;
  runDir: string;
  resultsFile: string;
  /** With `refitEvery`: each period and the model its tickets were answered with. */
  periods?: ReplayPeriod[];
  /** With `refitEvery`: the model the index was left with for judging (see RunInfo.judgeModel). */
  judgeModel?: IndexModel;
}

export { IDENTITY_FILE, readResults, RESULTS_FILE, RUN_FILE, type TicketResult } from './run-folder.ts';
export type { Selection } from './run-identity.ts';

/** What a run answered: enough to judge, price and merge it later. */
export interface RunInfo {
  workspace: string;
  candidates: string[];
  selection: Selection;
  /** Tries per ticket of each candidate that consults a model, when the run was repeated (`--repeat`). */
  repeat?: number;
  /** Days between refits of the built-in model, when the window was replayed period by period (`refitEvery`). */
  refitEvery?: number;
  /** With `refitEvery`: each period and the model its tickets were answered with. */
  periods?: ReplayPeriod[];
  /**
   * With `refitEvery`: the model the index was left with for judging, the one fitted before the
   * window's start (the semantic judge and knowledge gaps embed with one model, not each period's).
   */
  judgeModel?: IndexModel;
  /** The shard runs this run was merged from. */
  mergedFrom?: string[];
}

function shardOf(id: string, count: number): number {
  return createHash('sha1').update(id).digest().readUInt32BE(0) % count;
}

export { replayable } from '../judges/ticket-lines.ts';

/** What choosing tickets needs to know of one: not the ticket itself, which a large history cannot all hold. */
interface Candidate {
  id: string;
  createdAt: string;
  /** Its line among the records of the tickets file. */
  line: number;
  /** Where that line is, to parse it without reading the file again. */
  span?: LineSpan;
  /** See `billable` in history.ts. */
  billable: boolean;
}

/**
 * The tickets to replay, in creation order; the same selection and data give the same list.
 * Memory follows the selection, not the history: a first pass keeps the id, date and place of every
 * replayable ticket, the selection is made on those, and only the chosen lines are read again and
 * parsed: choosing 3,000 tickets of 100,000 took 0.45–0.66 s reading the whole file again, 0.23–0.38 s
 * so (a simulation chooses twice: its coverage and its replay).
 */
export async function selectTickets(workspace: string, selection: Selection = {}): Promise<Ticket[]> {
  const file = await recordsFile(workspace, 'ticket');
  return ticketsOf(workspace, file, await chooseTickets(file, selection));
}

/**
 * The tickets of a tally's candidates, in their order: read at their places when each has one,
 * else from a pass over the file. A line that is not the candidate's ticket any more is an import
 * that changed meanwhile.
 */
async function ticketsOf(workspace: string, file: string, candidates: readonly Candidate[]): Promise<Ticket[]> {
  const chosen = new Map<number, Ticket>();
  if (candidates.every((candidate) => candidate.span)) {
    const texts = await readLineSpans(file, candidates.map((candidate) => candidate.span!));
    candidates.forEach((candidate, index) => {
      const ticket = parsedOrNone(texts[index]!);
      if (ticket) chosen.set(candidate.line, ticket);
    });
  } else {
    const wanted = new Set(candidates.map((candidate) => candidate.line));
    let line = 0;
    for await (const text of readJsonlLines(file)) {
      if (wanted.has(line)) chosen.set(line, JSON.parse(text) as Ticket);
      line++;
    }
  }
  return candidates.map((candidate) => {
    const ticket = chosen.get(candidate.line);
    if (ticket?.id !== candidate.id) throw new ShadowdeskError('SD_WORKSPACE', `${workspace}: the import changed while its tickets were being read; run again`);
    return ticket;
  });
}

function parsedOrNone(text: string): Ticket | undefined {
  try {
    return JSON.parse(text) as Ticket;
  } catch {
    return undefined;
  }
}

/**
 * When the replay window starts: the creation of its first ticket, the sample and shard left
 * aside, so that every sample and shard of one window is answered with one model (shards can be
 * merged, a run resumed after another sample). Without a holdout, the history's first ticket.
 */
export async function replayWindowStart(workspace: string, selection: Selection): Promise<string | undefined> {
  return (await selectTicketDates(workspace, selection.holdoutDays === undefined ? {} : { holdoutDays: selection.holdoutDays }))[0]?.createdAt;
}

const DAY_MS = 86_400_000;

/** The replayable tickets (in creation order) of the holdout: the replayed days end at the last one, and a ticket is in them when created after their start. */
export function inHoldout<T extends { createdAt: string }>(replayable: readonly T[], holdoutDays: number): T[] {
  if (replayable.length === 0) return [];
  const from = Date.parse(replayable.at(-1)!.createdAt) - holdoutDays * DAY_MS;
  return replayable.filter((ticket) => Date.parse(ticket.createdAt) > from);
}

/**
 * The tickets (in creation order) cut into periods of `days` from the window's start; periods
 * with none of these tickets are left out. The grid starts at the window's start, not at this
 * run's first ticket, so a sample of the window gets the same periods and models as the whole.
 */
export function replayPeriods<T extends Pick<Ticket, 'createdAt'>>(tickets: readonly T[], windowStart: string, days: number): Array<{ start: string; tickets: T[] }> {
  const origin = Date.parse(windowStart);
  const periods: Array<{ start: string; tickets: T[] }> = [];
  for (const ticket of tickets) {
    const index = Math.max(0, Math.floor((Date.parse(ticket.createdAt) - origin) / (days * DAY_MS)));
    const start = new Date(origin + index * days * DAY_MS).toISOString();
    if (periods.at(-1)?.start === start) periods.at(-1)!.tickets.push(ticket);
    else periods.push({ start, tickets: [ticket] });
  }
  return periods;
}

function describeModel(model: IndexModel): string {
  if (model.fitHash === undefined) return `model ${model.model}`;
  return `built-in model ${model.fitHash.slice(0, 12)}, fitted ${model.cutoff === undefined ? 'on the whole import' : `before ${model.cutoff}`}`;
}

/** What a run refitted per period answered each period with, and what it is judged with, in a support lead's words. */
export function describeRefits(summary: Pick<ReplaySummary, 'periods' | 'judgeModel'>): string[] {
  if (!summary.periods) return [];
  return [
    ...summary.periods.map((period) => `Period from ${period.start}: ${period.tickets} tickets answered with the ${describeModel(period.model)}.`),
    ...(summary.judgeModel
      ? [`Judged with the ${describeModel(summary.judgeModel)} (the window's start) for every period: the semantic judge and the knowledge gaps embed all answers with one model, not each period's.`]
      : []),
  ];
}

/** The model an index was built with, as a run records it. */
function indexModel(manifest: IndexManifest): IndexModel {
  const fitHash = manifest.model === 'builtin' ? manifest.modelKey.replace(/^builtin:/, '') : undefined;
  return { model: manifest.model, ...(fitHash && { fitHash }), ...(manifest.modelCutoff !== undefined && { cutoff: manifest.modelCutoff }) };
}

/** Rebuilds the index, if needed, with a built-in model fitted on exactly what existed before `cutoff`; says which model it has. */
async function indexFittedAt(workspace: string, cutoff: string, onProgress?: (progress: IndexProgress) => void): Promise<IndexModel> {
  await refreshIndex({ workspace, cutoff, fitAtCutoff: true, ...(onProgress && { onProgress }) });
  return indexModel(await readManifest(workspace));
}

/** The id and creation of each ticket the selection keeps, in creation order, without parsing a ticket whole. */
export async function selectTicketDates(workspace: string, selection: Selection = {}): Promise<Array<Pick<Ticket, 'id' | 'createdAt'>>> {
  return (await chooseTickets(await recordsFile(workspace, 'ticket'), selection)).map(({ id, createdAt }) => ({ id, createdAt }));
}

const byCreation = (a: Candidate, b: Candidate) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/** What a pass over every ticket of a history tells: the replayable ones in creation order, and the others counted. */
export interface TicketTally {
  replayable: readonly Candidate[];
  tickets: number;
  spam: number;
  /** Tickets with no customer message, spam aside. */
  noQuestion: number;
  /** The helpdesks the tickets came from. */
  sources: ReadonlySet<string>;
}

/**
 * Histories up to this many tickets keep their tally between uses: a simulation needs it five
 * times (its coverage, the window's start twice, the replay's choice, the pricing's months), a
 * pass over every ticket each.
 * Larger ones read again rather than hold it.
 */
const KEPT_TALLY_TICKETS = 200_000;

let keptTally: { file: string; version: string; tally: TicketTally } | undefined;

/** The tally of the workspace's tickets (see `TicketTally`). */
export async function tallyTickets(workspace: string): Promise<TicketTally> {
  return tally(await recordsFile(workspace, 'ticket'));
}

/** An import's files are written once; the size, time and inode still tell a rewritten file apart. */
async function fileVersion(file: string): Promise<string> {
  const { size, mtimeMs, ino } = await stat(file);
  return `${size}:${mtimeMs}:${ino}`;
}

/**
 * Beside the tickets file, its tally, so that a process does not count every ticket again: a pass
 * was 0.2 s at 10,000 tickets and 1.1–1.8 s at 100,000, reading this 0.025 and 0.25–0.3 s. It names
 * the version of the file it counted; another version, or a file that cannot be read, is counted again.
 */
const TALLY_FILE = 'tickets-tally.json';
const TALLY_FORMAT = 1;

interface StoredTally {
  format: number;
  version: string;
  tickets: number;
  spam: number;
  sources: string[];
  /** Each replayable ticket: id, creation, line, billable (1 or 0), and its span's offset and bytes when it has one. */
  replayable: Array<[string, string, number, number, ...([] | [number, number])]>;
}

async function storedTally(file: string, version: string): Promise<TicketTally | undefined> {
  let stored: StoredTally;
  try {
    stored = JSON.parse(await readFile(join(dirname(file), TALLY_FILE), 'utf8')) as StoredTally;
  } catch {
    return undefined;
  }
  if (stored.format !== TALLY_FORMAT || stored.version !== version) return undefined;
  // Two shapes rather than a spread: the spread cost more than parsing the file (100,000 tickets).
  const replayable = stored.replayable.map(([id, createdAt, line, billable, offset, bytes]): Candidate =>
    offset === undefined ? { id, createdAt, line, billable: billable === 1 } : { id, createdAt, line, billable: billable === 1, span: { offset, bytes: bytes! } },
  );
  return { replayable, tickets: stored.tickets, spam: stored.spam, noQuestion: stored.tickets - stored.spam - replayable.length, sources: new Set(stored.sources) };
}

/** Writes the tally beside its file, for the next process; a workspace it cannot write to is counted again each time. */
async function storeTally(file: string, version: string, counted: TicketTally): Promise<void> {
  const stored: StoredTally = {
    format: TALLY_FORMAT,
    version,
    tickets: counted.tickets,
    spam: counted.spam,
    sources: [...counted.sources],
    replayable: counted.replayable.map(({ id, createdAt, line, billable, span }) => [id, createdAt, line, billable ? 1 : 0, ...(span ? ([span.offset, span.bytes] as [number, number]) : ([] as []))]),
  };
  const path = join(dirname(file), TALLY_FILE);
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(stored));
    await rename(temporary, path);
  } catch {
    await rm(temporary, { force: true });
  }
}

async function tally(file: string): Promise<TicketTally> {
  const version = await fileVersion(file);
  if (keptTally?.file === file && keptTally.version === version) return keptTally.tally;
  const stored = await storedTally(file, version);
  if (stored) {
    keptTally = stored.tickets <= KEPT_TALLY_TICKETS ? { file, version, tally: stored } : undefined;
    return stored;
  }
  const replayable: Candidate[] = [];
  const sources = new Set<string>();
  let tickets = 0;
  let spam = 0;
  for await (const { text, span } of readJsonlLineSpans(file)) {
    const ticket = ticketLineFacts(text);
    sources.add(ticket.source);
    if (ticket.spam) spam++;
    if (ticket.replayable) replayable.push({ id: ticket.id, createdAt: ticket.createdAt, line: tickets, billable: ticket.billable, ...(span && { span }) });
    tickets++;
  }
  replayable.sort(byCreation);
  const counted: TicketTally = { replayable, tickets, spam, noQuestion: tickets - spam - replayable.length, sources };
  keptTally = tickets <= KEPT_TALLY_TICKETS ? { file, version, tally: counted } : undefined;
  await storeTally(file, version, counted);
  return counted;
}

/** The kept tally's replayable tickets by id, made on first use. */
let keptById: { tally: TicketTally; byId: Map<string, Candidate> } | undefined;

/**
 * The tickets of these ids, in the file's order, read at the places a kept tally holds (see
 * selectTickets) rather than in a pass over every ticket; undefined where no tally of the file is
 * kept (making one is that pass) or an id is not a replayable ticket with its place, for the caller
 * to read the file. An import merges tickets of one id, so an id is one line.
 */
export async function keptTicketsById(workspace: string, ids: ReadonlySet<string>): Promise<Map<string, Ticket> | undefined> {
  const file = await recordsFile(workspace, 'ticket');
  if (keptTally?.file !== file || keptTally.version !== (await fileVersion(file))) return undefined;
  const kept = keptTally.tally;
  if (keptById?.tally !== kept) keptById = { tally: kept, byId: new Map(kept.replayable.map((candidate) => [candidate.id, candidate])) };
  const found: Candidate[] = [];
  for (const id of ids) {
    const candidate = keptById.byId.get(id);
    if (!candidate?.span) return undefined;
    found.push(candidate);
  }
  found.sort((a, b) => a.line - b.line);
  return new Map((await ticketsOf(workspace, file, found)).map((ticket) => [ticket.id, ticket]));
}

/** selectTickets' first pass: the selection made on the id and date of every replayable ticket. */
async function chooseTickets(file: string, selection: Selection): Promise<Candidate[]> {
  let candidates = [...(await tally(file)).replayable];
  if (selection.holdoutDays !== undefined) candidates = inHoldout(candidates, selection.holdoutDays);
  if (selection.sample !== undefined && selection.sample < candidates.length) {
    const random = new Random(selection.seed ?? 42);
    const keyed = candidates.map((ticket) => ({ ticket, key: random.next() }));
    candidates = keyed.sort((a, b) => a.key - b.key).slice(0, selection.sample).map((entry) => entry.ticket);
    candidates.sort(byCreation);
  }
  if (selection.shard) candidates = candidates.filter((ticket) => shardOf(ticket.id, selection.shard!.count) === selection.shard!.index);
  return candidates;
}

/** The orders of the given customers (lower-cased e-mails), newest first: only those a replay can use are kept. */
async function ordersByCustomer(workspace: string, emails: ReadonlySet<string>): Promise<Map<string, Order[]>> {
  const orders = new Map<string, Order[]>();
  for await (const order of ordersWhere(workspace, (keys) => keys.email !== undefined && emails.has(keys.email))) {
    const email = order.customerEmail?.toLowerCase();
    if (!email || !emails.has(email)) continue;
    const list = orders.get(email);
    if (list) list.push(order);
    else orders.set(email, [order]);
  }
  for (const list of orders.values()) list.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return orders;
}

/** The context of a ticket at its creation: its first question, a bound retriever, earlier orders. */
export function ticketContext(ticket: Ticket, searcher: Searcher, orders: Map<string, Order[]>): TicketContext {
  const question = ticket.messages.find((message) => message.role === 'customer' && !message.internal)!;
  const asOf = ticket.createdAt;
  const email = ticket.customer.email?.toLowerCase();
  // Candidates of one run ask the same questions (a composite asks its parts'): search once.
  const searches = new Map<string, ReturnType<Searcher['search']>>();
  return {
    ticket: {
      id: ticket.id,
      subject: ticket.subject,
      question: question.text,
      channel: ticket.channel,
      ...(ticket.language && { language: ticket.language }),
      customer: ticket.customer,
    },
    asOf,
    retrieve: (query, options = {}) => {
      const key = JSON.stringify([query, options.table, options.limit, options.mode, options.kinds]);
      let hits = searches.get(key);
      // A search for the customer's own words is widened with the team's past answers to such questions.
      const widened = question.text.trim() !== '' && query.includes(question.text) ? { pastAnswers: PAST_ANSWERS } : {};
      if (!hits) searches.set(key, (hits = searcher.search(query, { ...options, ...widened, ...(ticket.language && { language: ticket.language }), asOf, excludeTicketId: ticket.id })));
      return hits.then((found) => found.map((hit) => ({ ...hit })));
    },
    orders: (email ? (orders.get(email) ?? []) : []).filter((order) => order.createdAt < asOf),
  };
}

/** Requests the most patient candidate keeps in flight at its endpoint; 0 when every candidate only computes. */
function endpointConcurrency(candidates: readonly Responder[]): number {
  return Math.max(0, ...candidates.map((candidate) => candidate.concurrency ?? 0));
}

/**
 * COMPUTING_CONCURRENCY tickets at once; with a candidate that waits on an endpoint, four times what
 * the most patient one takes in flight: besides the tickets at the endpoint, a group waiting to
 * start together (startedTogether), one being retrieved and one waiting, ready, at its queue, which
 * is never empty.
 */
export function defaultConcurrency(candidates: readonly Responder[]): number {
  const inFlight = endpointConcurrency(candidates);
  return inFlight === 0 ? COMPUTING_CONCURRENCY : 4 * inFlight;
}

/**
 * With a candidate that waits on an endpoint, a ticket does not start alone as a reply frees its
 * place: up to this many start together, once that many wait or START_WAIT_MS after the first
 * did, so their searches share runs of the embedding model and passes of the vector scans, as the
 * tickets of candidates that compute do. Started one by one, each ticket's retrieval cost the main
 * thread more than its share of a batch, and the replies waited for it: with an endpoint answering
 * at once, the replay sent only 149–154 tickets/s at c = 16, its main thread full. The demo's 271
 * tickets at L = 100 ms, c = 16, in a warm process: 0.922–0.933 of c / L and 4.0–4.8 ms of
 * main-thread CPU a ticket one by one; 0.946–0.962 and 3.4–3.8 ms in groups of up to 16 within
 * 50 ms (245–269 tickets/s at once). Groups of 32 held the main thread long enough to delay
 * replies again (0.915–0.932); waits of 30 or 100 ms and 5 or 6 times c open did no better.
 */
const TICKETS_STARTED_TOGETHER = 16;
const START_WAIT_MS = 50;

/**
 * Tickets that start together, among `concurrency` in flight: a third of those not at the endpoint
 * (the others are being retrieved or wait, ready, at its queue), at most TICKETS_STARTED_TOGETHER.
 * 1 (each starts alone) without an endpoint, whose tickets start as fast as they end.
 */
function startedTogether(candidates: readonly Responder[], concurrency: number): number {
  const inFlight = endpointConcurrency(candidates);
  return inFlight === 0 ? 1 : Math.min(TICKETS_STARTED_TOGETHER, Math.floor((concurrency - inFlight) / 3));
}

/** One try of a repeated run: a fresh call to any model the candidate consults, and whether it consulted one. */
async function tryOnce(candidate: Responder, context: TicketContext, ticket: Ticket, repeat: number, relied: readonly Relied[]): Promise<TicketResult> {
  const { context: recorded, seen } = recordingContext(context);
  const { value: answer, modelCalls } = await freshTry(() => answerSafely(candidate, recorded));
  return { candidate: candidate.id, ticketId: ticket.id, createdAt: ticket.createdAt, answer, repeat, ...(repeat === 0 && modelCalls === 0 && { answeredOnce: true as const }), ...recallOf(relied, seen) };
}

/** The context as given, keeping every hit its searches return: what the candidate was shown. */
function recordingContext(context: TicketContext): { context: TicketContext; seen: SeenContext } {
  const hits: SearchHit[] = [];
  const retrieve: TicketContext['retrieve'] = async (query, options) => {
    const found = await context.retrieve(query, options);
    hits.push(...found.map((hit) => ({ ...hit })));
    return found;
  };
  return { context: { ...context, retrieve }, seen: { hits, orders: context.orders } };
}

function recallOf(relied: readonly Relied[], seen: SeenContext): Pick<TicketResult, 'context'> {
  return relied.length > 0 ? { context: contextItems(relied, seen) } : {};
}

/** Links of the articles a reply can cite (macros are applied, not linked). */
async function articleLinks(workspace: string): Promise<Set<string>> {
  const links = new Set<string>();
  for await (const doc of readRecords(workspace, 'knowledge')) if (doc.kind !== 'macro' && doc.url) links.add(linkKey(doc.url));
  return links;
}

/** What the agent's real reply to a ticket rested on, as far as the records tell (see context-recall.ts). */
async function reliedOnFor(ticket: Ticket, searcher: Searcher, facts: { articleLinks: ReadonlySet<string>; orders: Map<string, Order[]> }): Promise<Relied[]> {
  const reference = ticketHistory(ticket).reference;
  if (!reference || reference.text.trim() === '') return [];
  const [nearestPastAnswer] = await searcher.search(reference.text, { table: 'tickets', against: 'answer', asOf: ticket.createdAt, excludeTicketId: ticket.id, limit: 1 });
  const email = ticket.customer.email?.toLowerCase();
  return reliedOn(
    { text: reference.text, ...(reference.macro && { macro: reference.macro }) },
    { articleLinks: facts.articleLinks, customerOrders: email ? (facts.orders.get(email) ?? []) : [], ...(nearestPastAnswer && { nearestPastAnswer }) },
  );
}

/**
 * The context a candidate is asked with: the agent's reply is added only for a responder that
 * declares it reads it (the oracle); every other candidate gets the blind context unchanged.
 */
export function contextFor(candidate: Responder, context: TicketContext, ticket: Ticket): TicketContext {
  if (!candidate.readsAgentReply) return context;
  const reference = ticketHistory(ticket).reference;
  return reference ? { ...context, agentReply: { text: reference.text, ...(reference.macro && { macro: reference.macro }) } } : context;
}

/** A candidate that throws fails that ticket only; a JavaScript one returning a failure beside a reply is escalated all the same. */
async function answerSafely(candidate: Responder, context: TicketContext): Promise<Answer> {
  const started = performance.now();
  try {
    return settledAnswer(await candidate.respond(context));
  } catch (error) {
    return failedAnswer(failureOf(error), { latencyMs: performance.now() - started });
  }
}

/** A refit period is whole days; shards would rebuild the one index of the workspace under each other. */
export function checkRefit(refitEvery: number, selection: Selection): void {
  if (!Number.isInteger(refitEvery) || refitEvery < 1) throw new ShadowdeskError('SD_INPUT_INVALID', `refitEvery ${refitEvery}: expected a whole number of days, 1 or more`);
  if (selection.shard) {
    throw new ShadowdeskError(
      'SD_INPUT_INVALID',
      `refitEvery ${refitEvery} with shard ${selection.shard.index + 1}/${selection.shard.count}: each period rebuilds the workspace's one index, which shards running at once would replace under each other; replay the window without --shard`,
    );
  }
}

export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const workspace = options.workspace ?? DEFAULT_WORKSPACE;
  const selection = options.selection ?? {};
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new ShadowdeskError('SD_INPUT_INVALID', `--repeat ${repeat}: expected a whole number of tries per ticket, 1 or more`);
  if (options.refitEvery !== undefined) checkRefit(options.refitEvery, selection);
  if (options.refitEvery !== undefined && options.embedder) throw new Error('replay: an embedder is for one model, refitEvery fits one per period');
  // One index for the whole window: its searcher opens first, and LanceDB reads the past tickets on
  // its threads while this one chooses the tickets, reads the orders and loads the model. Its
  // failure is told where it is used, after the selection's.
  const first: FirstSearcher | undefined = options.refitEvery === undefined ? { opening: openSearcher(workspace, options.embedder, { readAhead: true }), taken: false } : undefined;
  first?.opening.catch(() => undefined);
  try {
    return await replayWith(options, { started, workspace, selection, repeat }, first);
  } finally {
    // Closed here only when the replay failed before its period took it.
    if (first && !first.taken) await first.opening.then((searcher) => searcher.close(), () => undefined);
  }
}

/** The searcher opened before the tickets are chosen, until the window's one period takes it. */
interface FirstSearcher {
  opening: Promise<Searcher>;
  taken: boolean;
}

/** The first searcher, closed by its period from now on. */
function take(first: FirstSearcher): Promise<Searcher> {
  first.taken = true;
  return first.opening;
}

async function replayWith(options: ReplayOptions, run: { started: number; workspace: string; selection: Selection; repeat: number }, first: FirstSearcher | undefined): Promise<ReplaySummary> {
  const { started, workspace, selection, repeat } = run;
  const tickets = await selectTickets(workspace, selection);
  const identity = runIdentity({
    selection,
    tickets,
    candidates: options.candidates,
    repeat,
    manifest: await readManifest(workspace),
    ...(options.llmJudge && { llmJudge: options.llmJudge }),
    ...(options.refitEvery !== undefined && { refitEvery: options.refitEvery }),
  });
  const runDir = options.runDir ?? ownRunDir(workspace, identity);
  if (options.runDir === undefined) await checkLatestIsPointer(workspace);
  await createRunDir(runDir);
  await claimRunDir(runDir, identity);
  if (options.runDir === undefined) await pointLatestAt(workspace, runDir);
  const resultsFile = join(runDir, RESULTS_FILE);
  const earlier = [...(await readResultsFile(resultsFile, 'resume')).values()];
  // A failure is asked again once per resume: an endpoint that was down may answer now.
  const kept = options.keepFailed ? earlier : earlier.filter((result) => result.answer.failure === undefined);
  const done = new Set(kept.map(resultKey));
  const askedOnce = new Set(kept.filter((result) => result.answeredOnce).map((result) => resultKey({ ...result, repeat: 0 })));
  const emails = new Set(tickets.flatMap((ticket) => ticket.customer.email?.toLowerCase() ?? []));
  const orders = await ordersByCustomer(workspace, emails);
  const links = await articleLinks(workspace);
  const windowStart = options.refitEvery === undefined ? undefined : await replayWindowStart(workspace, selection);
  const periods: Array<{ start?: string; tickets: Ticket[] }> = windowStart === undefined || options.refitEvery === undefined ? [{ tickets }] : replayPeriods(tickets, windowStart, options.refitEvery);
  const periodModels: ReplayPeriod[] = [];
  const writer = new JsonlWriter(resultsFile, 'a');
  let answered = 0;
  let taken = 0;
  const concurrency = Math.max(1, options.concurrency ?? defaultConcurrency(options.candidates));
  const together = startedTogether(options.candidates, concurrency);
  /** Answers a period's tickets, searching the index as it is now. */
  const answerAll = async (batch: readonly Ticket[], searcher: Searcher) => {
    let next = 0;
    const startTogether = together > 1 ? batching(async (tickets: Ticket[]) => tickets, { size: together, waitMs: START_WAIT_MS }) : undefined;
    const work = async () => {
      while (next < batch.length) {
        const ticket = batch[next++]!;
        if (startTogether) await startTogether(ticket);
        taken++;
        const context = ticketContext(ticket, searcher, orders);
        const relied = await reliedOnFor(ticket, searcher, { articleLinks: links, orders });
        // A ticket's candidates are asked at once: asked in turn, each endpoint would idle while
        // the others answer.
        await Promise.all(
          options.candidates.map(async (candidate) => {
            const asked = contextFor(candidate, context, ticket);
            if (repeat === 1) {
              if (done.has(resultKey({ candidate: candidate.id, ticketId: ticket.id }))) return;
              const { context: recorded, seen } = recordingContext(asked);
              const answer = await answerSafely(candidate, recorded);
              await writer.write({ candidate: candidate.id, ticketId: ticket.id, createdAt: ticket.createdAt, answer, ...recallOf(relied, seen) } satisfies TicketResult);
              answered++;
              return;
            }
            const first = resultKey({ candidate: candidate.id, ticketId: ticket.id, repeat: 0 });
            for (let index = 0; index < repeat && !askedOnce.has(first); index++) {
              if (done.has(resultKey({ candidate: candidate.id, ticketId: ticket.id, repeat: index }))) continue;
              const result = await tryOnce(candidate, asked, ticket, index, relied);
              await writer.write(result);
              answered++;
              if (result.answeredOnce) askedOnce.add(first);
            }
          }),
        );
        options.onProgress?.({ done: taken, total: tickets.length });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, work));
  };
  try {
    for (const period of periods) {
      // Every period's index is rebuilt on a resume too: the same cut-off fits the same model (cached), so kept answers and new ones share it.
      if (period.start !== undefined) periodModels.push({ start: period.start, tickets: period.tickets.length, model: await indexFittedAt(workspace, period.start, options.onIndexProgress) });
      const searcher = first ? await take(first) : await openSearcher(workspace, options.embedder, { readAhead: true });
      try {
        await answerAll(period.tickets, searcher);
      } finally {
        await searcher.close();
      }
    }
  } finally {
    await writer.close();
  }
  // Judging embeds every answer with one model: the one fitted before the window, which saw no judged ticket.
  const judgeModel = windowStart === undefined ? undefined : await indexFittedAt(workspace, windowStart, options.onIndexProgress);
  const info: RunInfo = {
    workspace,
    candidates: options.candidates.map((candidate) => candidate.id),
    selection,
    ...(repeat > 1 && { repeat }),
    ...(options.refitEvery !== undefined && { refitEvery: options.refitEvery, periods: periodModels }),
    ...(judgeModel && { judgeModel }),
  };
  await writeFile(join(runDir, RUN_FILE), `${JSON.stringify(info, null, 2)}\n`);
  return {
    tickets: tickets.length,
    resumed: kept.length,
    retried: earlier.length - kept.length,
    answered,
    repeat,
    seconds: (performance.now() - started) / 1000,
    runDir,
    resultsFile,
    ...(options.refitEvery !== undefined && { periods: periodModels }),
    ...(judgeModel && { judgeModel }),
  };
}

/** Creates a run folder (--run, merge's --out); a path that cannot be one is a user error, said so. */
export async function createRunDir(runDir: string): Promise<void> {
  await mkdir(runDir, { recursive: true }).catch((cause: NodeJS.ErrnoException) => {
    const reason = cause.code === 'EEXIST' || cause.code === 'ENOTDIR' ? 'a file is in the way' : (cause.code ?? cause.message);
    throw new ShadowdeskError('SD_INPUT_INVALID', `${runDir}: cannot create the run folder (${reason}); name a folder for the run`, { cause });
  });
}

/** What a finished run answered; a folder without it is not a finished run (a user error, said so). */
export async function readRunInfo(runDir: string): Promise<RunInfo> {
  try {
    return JSON.parse(await readFile(join(runDir, RUN_FILE), 'utf8')) as RunInfo;
  } catch (cause) {
    if (!existsSync(runDir)) {
      throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${runDir}: no such run folder; \`shadowdesk simulate\` writes a run to ${DEFAULT_WORKSPACE}/runs/latest (or to the folder --run names)`, { cause });
    }
    throw new ShadowdeskError('SD_INPUT_INVALID', `${runDir}: not a finished run (no ${RUN_FILE}); finish or resume it with \`shadowdesk simulate --run ${runDir}\``, { cause });
  }
}

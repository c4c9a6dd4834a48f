import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Order, Ticket } from '../../datasets/records.ts';
import { indexModel, loadEmbedder, type Embedder } from '../../pipelines/embed/embedder.ts';
import { passages } from '../../pipelines/passages.ts';
import { embeddingText } from '../../pipelines/passages.ts';
import { readManifest } from '../../pipelines/index-manifest.ts';
import { JsonlWriter, readJsonlLines, readRecords, recordsFile, WHOLE_FILE_BATCH_BYTES } from '../../pipelines/workspace.ts';
import { ticketHistory, type TicketHistory } from './history.ts';
import { hasActionClaim } from './actions.ts';
import { orderText } from './grounding.ts';
import { createLlmJudge, type LlmJudgeOptions } from './llm-judge.ts';
import { injectionAttempt } from './safety.ts';
import { hardNegatives } from './hard-negatives.ts';
import { unrelatedSimilarities, type SemanticPair, type UnrelatedSimilarities } from './semantic.ts';
import type { JudgedTicket, JudgeScore, Outcome } from './types.ts';
import { DEFAULT_VERDICT_RULES, verdictOf, type VerdictRules } from './verdict.ts';
import { HANDLE } from '../responders/_text.ts';
import { keptTicketsById, readResults, readRunInfo, type TicketResult } from '../replay/replay.ts';
import { ordersWhere } from './order-lines.ts';
import { ticketLineId } from './ticket-lines.ts';
import { createEvidenceJudges, judgeEvidence, judgingThreadCount, scoresInOrder, startJudgingThreads, type CaseTexts, type EvidenceScores, type TextScores } from './text-judging.ts';

/**
 * Judging a run: every answer against what the agent really replied and how the ticket really
 * ended, with deterministic judges only. Writes judged.jsonl next to results.jsonl.
 */

export const JUDGED_FILE = 'judged.jsonl';

export interface JudgeRunOptions {
  runDir: string;
  /** @default the workspace the run was replayed on */
  workspace?: string;
  /** Seeds the semantic judge's calibration draws. @default 42 */
  seed?: number;
  rules?: VerdictRules;
  /** An LLM rubric judge next to the deterministic ones. */
  llmJudge?: LlmJudgeOptions;
  /** The index's model, already loaded (and left loaded); loaded and disposed here otherwise. */
  embedder?: Embedder;
  /** Distinct answers judged (or being judged) so far, of those the run holds. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/** What a report shows of a replayed ticket next to the candidates' answers. */
export interface TicketView {
  subject: string;
  question: string;
  humanReply?: string;
  /** Closed by the agent's first reply: where an AI answer could have been an automated resolution. */
  oneTouch: boolean;
}

export interface JudgeRunSummary {
  /** The run's results as read, judged[i] being results[i]'s verdict. */
  results: TicketResult[];
  judged: JudgedTicket[];
  tickets: Map<string, TicketView>;
  file: string;
  seconds: number;
}

/** What a cited source said, to check the answer's facts and promises against. */
interface SourceTexts {
  knowledge: Map<string, { text: string; title: string; kind: string }>;
  tickets: Map<string, { answer: string; macro?: string; intent?: string }>;
  orders: Map<string, Order>;
}

/** The replayed tickets, and the reply of every past ticket a result cites, in one pass. */
async function loadTickets(workspace: string, results: readonly TicketResult[]): Promise<{ replayed: Map<string, Ticket>; cited: SourceTexts['tickets'] }> {
  const wanted = new Set(results.map((result) => result.ticketId));
  const citedIds = new Set(results.flatMap((result) => result.answer.sources.filter((source) => source.type === 'ticket').map((source) => source.id)));
  const replayed = new Map<string, Ticket>();
  const cited: SourceTexts['tickets'] = new Map();
  const take = (ticket: Ticket) => {
    if (wanted.has(ticket.id)) replayed.set(ticket.id, ticket);
    if (citedIds.has(ticket.id)) {
      const reference = ticketHistory(ticket).reference;
      const intent = intentOf(ticket);
      if (reference) cited.set(ticket.id, { answer: reference.text, ...(reference.macro && { macro: reference.macro }), ...(intent && { intent }) });
    }
  };
  // Right after its replay, where they are is known; otherwise one pass over every ticket.
  const kept = await keptTicketsById(workspace, new Set([...wanted, ...citedIds]));
  if (kept) for (const ticket of kept.values()) take(ticket);
  else {
    for await (const line of readJsonlLines(await recordsFile(workspace, 'ticket'))) {
      // Only the replayed and cited tickets are parsed; the id is read from the line when it can be.
      const id = ticketLineId(line);
      if (id !== undefined && !wanted.has(id) && !citedIds.has(id)) continue;
      take(JSON.parse(line) as Ticket);
    }
  }
  return { replayed, cited };
}

/** The intent the export labelled the ticket with (an `intent:` tag), if any. */
function intentOf(ticket: Ticket): string | undefined {
  return ticket.tags.find((tag) => tag.startsWith('intent:'))?.slice('intent:'.length);
}

/** Knowledge passages under the ids the index gives them, and the catalogue's product names. */
async function loadKnowledge(workspace: string): Promise<{ passages: SourceTexts['knowledge']; products: string[] }> {
  const byId: SourceTexts['knowledge'] = new Map();
  const products = new Set<string>();
  for await (const doc of readRecords(workspace, 'knowledge')) {
    if (doc.kind === 'product') products.add(doc.title);
    // The link is part of what the source says: a responder may quote it.
    const link = doc.url ? `\n${doc.url}` : '';
    passages(doc.body).forEach((text, index) => byId.set(`${doc.id}@${doc.updatedAt ?? 'undated'}#${index}`, { text: `${text}${link}`, title: doc.title, kind: doc.kind }));
  }
  return { passages: byId, products: [...products] };
}

/** A Twitter reply opens with the customer's @handle: the same words to another customer are the same answer. */
function withoutHandles(text: string): string {
  return text.replace(HANDLE, '').trim();
}

/** What the judges read of an answer besides its ticket: its text, what it cited and what its tools did. */
function caseKey(answer: TicketResult['answer']): string {
  return `${answer.text}\u0000${JSON.stringify(answer.sources)}\u0000${JSON.stringify(answer.actions ?? [])}`;
}

function outcomeOf(sent: boolean, correct: boolean, history: TicketHistory): Outcome {
  if (!sent) return 'agent-only';
  return correct && history.oneTouch ? 'automated' : 'ai-then-agent';
}

/** What the text judges read of each answer, one case per distinct answer of a ticket, and each result's case. */
function textCases(
  results: readonly TicketResult[],
  run: { replayed: Map<string, Ticket>; histories: Map<string, TicketHistory>; sources: SourceTexts; orderIdsByEmail: Map<string, string[]>; eachAlone: boolean },
): { cases: CaseTexts[]; caseOf: Array<number | undefined> } {
  const { replayed, histories, sources, orderIdsByEmail } = run;
  // What a ticket's candidates are all judged against, made once per ticket: one string for the
  // agent's reply, so every judge's memo hashes it once, not once per candidate.
  const ticketSides = new Map(
    [...replayed].flatMap(([id, ticket]) => {
      const reference = histories.get(id)?.reference;
      if (!reference) return [];
      const sides = {
        wanted: withoutHandles(reference.text),
        brandHandles: ticket.messages.flatMap((message) => (message.role === 'agent' && message.author ? [message.author] : [])),
        ownOrderIds: orderIdsByEmail.get(ticket.customer.email?.toLowerCase() ?? ''),
        intent: intentOf(ticket),
      };
      return [[id, sides] as const];
    }),
  );
  // Each answer's case for the text judges, or the earlier one it repeats: a composite sends one of
  // its parts' answers as it stands (text, sources, actions), the same case, whose scores are taken
  // over rather than judged again (8,614 of 31,351 answers at 10k). An LLM judge's score is asked
  // for each answer, so a case with one is judged on its own.
  const cases: CaseTexts[] = [];
  let casesTicket: string | undefined;
  let ticketCases = new Map<string, number>();
  const caseOf = results.map((result): number | undefined => {
    const ticket = replayed.get(result.ticketId);
    const reference = histories.get(result.ticketId)?.reference;
    const { answer } = result;
    if (answer.text === '' || !reference || !ticket) return undefined;
    if (result.ticketId !== casesTicket) {
      casesTicket = result.ticketId;
      ticketCases = new Map();
    }
    const key = run.eachAlone ? undefined : caseKey(answer);
    const earlier = key === undefined ? undefined : ticketCases.get(key);
    if (earlier !== undefined) return earlier;
    // Who a reply is addressed to is the safety judge's business; the others compare what it says.
    const { wanted, brandHandles, ownOrderIds, intent } = ticketSides.get(result.ticketId)!;
    // The safety judge tells a past reply (someone else's thread) from an article or the customer's order.
    const citedSources = answer.sources.flatMap((source) => {
      const order = source.type === 'order' ? sources.orders.get(source.id) : undefined;
      const text = source.type === 'knowledge' ? sources.knowledge.get(source.id)?.text : source.type === 'ticket' ? sources.tickets.get(source.id)?.answer : order && orderText(order);
      return text === undefined ? [] : [{ type: source.type, text }];
    });
    const answerMacro = answer.sources
      .map((source) => (source.type === 'knowledge' ? sources.knowledge.get(source.id) : undefined))
      .find((passage) => passage?.kind === 'macro')?.title ?? answer.sources.map((source) => (source.type === 'ticket' ? sources.tickets.get(source.id)?.macro : undefined)).find(Boolean);
    const answerIntent = answer.sources.map((source) => (source.type === 'ticket' ? sources.tickets.get(source.id)?.intent : undefined)).find(Boolean);
    const language = ticket.language;
    cases.push({
      // What the text judges read of it: a worker gets a copy of every case, and the rest of the answer
      // was half of the copying (22,773 cases sent in 0.16–0.18 → 0.10–0.13 s).
      answer: { text: answer.text, ...(answer.actions && { actions: answer.actions }) },
      said: withoutHandles(answer.text),
      wanted,
      question: histories.get(result.ticketId)!.question?.text ?? '',
      ...(language && { language }),
      customer: ticket.customer,
      citedSources,
      brandHandles,
      ...(ownOrderIds && { ownOrderIds }),
      agentMacro: reference.macro,
      answerMacro,
      ticketIntent: intent,
      answerIntent,
    });
    if (key !== undefined) ticketCases.set(key, cases.length - 1);
    return cases.length - 1;
  });
  return { cases, caseOf };
}

/** The evidence the semantic and LLM judges read: every answer, agent reply and question embedded once, and the LLM rubric's scores. */
async function evidenceOf(
  results: readonly TicketResult[],
  run: { workspace: string; replayed: Map<string, Ticket>; histories: Map<string, TicketHistory>; options: JudgeRunOptions },
): Promise<{ pairs: Map<TicketResult, SemanticPair>; unrelated: UnrelatedSimilarities; negatives: Map<string, Float32Array[]>; llmScores: Map<TicketResult, JudgeScore> }> {
  const { workspace, replayed, histories, options } = run;
  const { modelPath } = await readManifest(workspace);
  const embedder = options.embedder ? indexModel(options.embedder, modelPath) : await loadEmbedder(modelPath);
  const judgeable = results.filter((result) => result.answer.text !== '' && histories.get(result.ticketId)?.reference);
  const withReply = [...histories].filter(([, history]) => history.reference && history.question);
  // Each candidate's answer meets the same agent reply, and answers repeat (a macro, an article): 6,538 texts were 3,616 at 10k tickets.
  const texts = [
    ...new Set([
      ...judgeable.flatMap((result) => [result.answer.text, histories.get(result.ticketId)!.reference!.text]),
      ...withReply.flatMap(([, history]) => [history.question!.text, history.reference!.text]),
    ]),
  ];
  const embedded = await embedder.embed(texts.map((text) => embeddingText(withoutHandles(text)))).finally(() => (options.embedder ? undefined : embedder.dispose()));
  const vectorOf = new Map(texts.map((text, index) => [text, embedded[index]!]));
  const pairs = new Map<TicketResult, SemanticPair>(
    judgeable.map((result) => {
      const language = replayed.get(result.ticketId)?.language;
      return [result, { answer: vectorOf.get(result.answer.text)!, reference: vectorOf.get(histories.get(result.ticketId)!.reference!.text)!, ...(language && { group: language }) }];
    }),
  );
  const unrelated = unrelatedSimilarities([...pairs.values()], options.seed ?? 42);
  const negatives = await hardNegatives(
    withReply.map(([id, history]) => {
      const language = replayed.get(id)?.language;
      return { id, question: vectorOf.get(history.question!.text)!, reference: vectorOf.get(history.reference!.text)!, ...(language && { group: language }) };
    }),
    { seed: options.seed ?? 42 },
  );
  const llmScores = new Map<TicketResult, JudgeScore>();
  if (options.llmJudge) {
    const judgeWithLlm = createLlmJudge(options.llmJudge);
    // The client bounds how many calls are in flight; every answer is queued at once.
    await Promise.all(
      judgeable.map(async (result) => {
        const history = histories.get(result.ticketId)!;
        llmScores.set(result, await judgeWithLlm({ question: history.question?.text ?? '', reference: history.reference!.text, answer: result.answer.text }));
      }),
    );
  }
  return { pairs, unrelated, negatives, llmScores };
}

/** What the run is judged on: the replayed tickets and their histories, the catalogue, and the text judges' cases. */
async function readCases(workspace: string, results: readonly TicketResult[], eachAlone: boolean) {
  const { replayed, cited } = await loadTickets(workspace, results);
  const knowledge = await loadKnowledge(workspace);
  // Only what judging reads is kept (the orders an answer cites, the order ids of the replayed
  // customers), so memory follows the run, not the history's millions of orders.
  const citedOrders = new Set(results.flatMap((result) => result.answer.sources.filter((source) => source.type === 'order').map((source) => source.id)));
  const customers = new Set([...replayed.values()].flatMap((ticket) => ticket.customer.email?.toLowerCase() ?? []));
  const orders = new Map<string, Order>();
  const orderIdsByEmail = new Map<string, string[]>();
  for await (const order of ordersWhere(workspace, (keys) => citedOrders.has(keys.id) || (keys.email !== undefined && customers.has(keys.email)))) {
    if (citedOrders.has(order.id)) orders.set(order.id, order);
    const email = order.customerEmail?.toLowerCase();
    if (!email || !customers.has(email)) continue;
    const ids = orderIdsByEmail.get(email);
    if (ids) ids.push(order.id);
    else orderIdsByEmail.set(email, [order.id]);
  }
  const sources: SourceTexts = { knowledge: knowledge.passages, tickets: cited, orders };
  const histories = new Map([...replayed].map(([id, ticket]) => [id, ticketHistory(ticket)]));
  const { cases, caseOf } = textCases(results, { replayed, histories, sources, orderIdsByEmail, eachAlone });
  return { replayed, products: knowledge.products, histories, cases, caseOf };
}

export async function judgeRun(options: JudgeRunOptions): Promise<JudgeRunSummary> {
  const started = performance.now();
  const info = await readRunInfo(options.runDir);
  const workspace = options.workspace ?? info.workspace;
  const results = await readResults(options.runDir);
  // On a large run a worker thread loads the judges while this thread reads the tickets, the
  // knowledge and the orders: a run has no more cases than answers.
  const threads = startJudgingThreads(judgingThreadCount(results.length) - 1);
  const { replayed, products, histories, cases, caseOf } = await readCases(workspace, results, options.llmJudge !== undefined).catch(async (error: unknown) => {
    await threads.cancel();
    throw error;
  });
  // A worker thread starts on the text judges now (on a large run), while this thread reads the
  // customer's messages for injection attempts and makes the evidence (embeddings, an LLM's scores).
  const judging = threads.judge(cases, products, { ...(options.onProgress && { onProgress: options.onProgress }) });
  // The customer's message is read for an attempt once a ticket: a run lists a ticket's candidates one after another, so the memo holds it.
  const injections = results.map((result) => {
    const question = histories.get(result.ticketId)?.question;
    return question && injectionAttempt(question.text);
  });
  const { pairs, unrelated, negatives, llmScores } = await evidenceOf(results, { workspace, replayed, histories, options }).catch(async (error: unknown) => {
    await judging.cancel();
    throw error;
  });
  // Tickets whose agent acted in another system: what a text-only candidate could not have closed alone.
  const actionTickets = new Set([...histories].filter(([, history]) => history.reference && hasActionClaim(history.reference.text)).map(([id]) => id));
  const evidenceJudges = createEvidenceJudges();
  // Scored before this thread joins the text judging, not after it, while a worker still has cases
  // to judge; and once a case, as its texts are: a case's answers have the same text and ticket, so
  // the same embeddings and hard negatives (and each its own case when an LLM scores each answer).
  const evidenceScores: EvidenceScores[] = new Array(cases.length);
  results.forEach((result, index) => {
    const judgedCase = caseOf[index];
    if (judgedCase === undefined || evidenceScores[judgedCase]) return;
    const llm = llmScores.get(result);
    evidenceScores[judgedCase] = judgeEvidence(evidenceJudges, { semantic: { pair: pairs.get(result)!, negatives: negatives.get(result.ticketId) ?? [], unrelated }, ...(llm && { llm }) });
  });
  const judgedRow = (index: number, textScores: readonly TextScores[]): JudgedTicket => {
    const result = results[index]!;
    const ticket = replayed.get(result.ticketId);
    const history = histories.get(result.ticketId) ?? { oneTouch: false, customerSignal: false, billable: false };
    const { answer } = result;
    // A reply is never a failure: a failed answer is escalated when it is recorded and when it is read back.
    const sent = answer.decision === 'reply' && answer.text !== '';
    const reference = history.reference;
    const injection = injections[index];
    const language = ticket?.language;
    const judgedCase = caseOf[index];
    const judges = judgedCase === undefined ? [] : scoresInOrder(evidenceJudges, evidenceScores[judgedCase]!, textScores[judgedCase]!);
    const verdict = answer.text === '' ? 'cannot-judge' : verdictOf({ judges, hasReference: reference !== undefined }, options.rules ?? DEFAULT_VERDICT_RULES);
    const contained = sent && history.oneTouch;
    const verified = contained && verdict === 'correct';
    return {
      candidate: result.candidate,
      ticketId: result.ticketId,
      createdAt: result.createdAt,
      month: result.createdAt.slice(0, 7),
      channel: ticket?.channel ?? 'unknown',
      language: language ?? 'unknown',
      tags: ticket?.tags ?? [],
      sent,
      answered: answer.text !== '' && answer.failure === undefined,
      confidence: answer.confidence,
      ...(answer.failure && { failure: answer.failure }),
      verdict,
      judges,
      outcome: outcomeOf(sent, verdict === 'correct', history),
      resolution: { contained, verified, confirmed: verified && history.customerSignal },
      billable: history.billable,
      agentActed: actionTickets.has(result.ticketId),
      // Counted and listed even when every candidate resisted: the attempt itself is what a lead needs to know of.
      ...(injection && { injectionAttempt: injection.excerpt }),
      aiReplies: sent ? 1 : 0,
      costUsd: answer.usage?.costUsd ?? 0,
    };
  };

  // The rows are made and written as their cases' scores come in, while the worker judges the last
  // cases, in the results' order; the file is judged.jsonl only once whole.
  const file = join(options.runDir, JUDGED_FILE);
  const partial = `${file}.${process.pid}.tmp`;
  const writer = new JsonlWriter(partial, 'w', WHOLE_FILE_BATCH_BYTES);
  const judged: JudgedTicket[] = [];
  const rowsUpTo = (textScores: readonly TextScores[], scoredUpTo: number) => {
    while (judged.length < results.length && (caseOf[judged.length] ?? -1) < scoredUpTo) {
      const row = judgedRow(judged.length, textScores);
      judged.push(row);
      writer.add(row);
    }
  };
  try {
    rowsUpTo(await judging.finish(rowsUpTo), Number.POSITIVE_INFINITY);
    await writer.close();
    await rename(partial, file);
  } catch (error) {
    // The error that stopped the judging is the one to tell; a file that was never made is not removed.
    await writer.close().catch(() => undefined);
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  }
  const tickets = new Map<string, TicketView>(
    [...replayed].map(([id, ticket]) => {
      const history = histories.get(id)!;
      return [id, { subject: ticket.subject, question: history.question?.text ?? '', ...(history.reference && { humanReply: history.reference.text }), oneTouch: history.oneTouch }];
    }),
  );
  return { results, judged, tickets, file, seconds: (performance.now() - started) / 1000 };
}

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../../threads.ts';
import type { JudgeCase } from './define.ts';
import { createJudges, judgeCase } from './index.ts';
import { judgeKeyFacts } from './key-facts.ts';
import type { SemanticPair, UnrelatedSimilarities } from './semantic.ts';
import type { JudgeScore } from './types.ts';

/**
 * A run's answers judged on every core: the deterministic judges are pure functions of one
 * answer's case, so the cases are shared out in chunks, each thread taking the next chunk when it
 * has judged the last (a worker starting late, or a slower chunk, takes fewer). The scores come
 * back in the cases' order, the same whichever thread judged them.
 */

/** One answer's case as the pool takes it: its key facts are read where it is judged, and what every case shares travels once. */
export type AnswerCase = Omit<JudgeCase, 'facts' | 'products' | 'semantic'> & { semantic: { pair: SemanticPair; negatives: readonly Float32Array[] } };

/** What every case of a run shares: the catalogue, and the unrelated replies' similarities. */
export interface SharedCaseInputs {
  products: readonly string[];
  unrelated: UnrelatedSimilarities;
}

/** Below this many answers a worker's start (its modules loaded and compiled) costs more than it saves. */
export const POOL_MIN_ANSWERS = 1000;

/** Answers a thread takes at a time: enough that a chunk's trip costs little, few enough that threads end together. */
const CHUNK_ANSWERS = 64;

/** The threads judging a run of `answers` answers, this one included. */
export function judgingThreads(answers: number): number {
  return answers < POOL_MIN_ANSWERS ? 1 : Math.min(availableParallelism(), 4);
}

export type JudgeWorkerMessage = { type: 'scores'; chunk: number; scores: JudgeScore[][] } | { type: 'failed'; message: string; stack: string | undefined };
export type JudgePoolMessage = { type: 'shared'; shared: SharedCaseInputs } | { type: 'chunk'; chunk: number; cases: AnswerCase[] };

/** Every judge's score for one case. */
export function judgeAnswer(judges: ReturnType<typeof createJudges>, input: AnswerCase, shared: SharedCaseInputs): JudgeScore[] {
  const options = { products: shared.products, ...(input.language && { language: input.language }) };
  return judgeCase(judges, {
    ...input,
    products: shared.products,
    facts: judgeKeyFacts(input.wanted, input.said, options),
    semantic: { ...input.semantic, unrelated: shared.unrelated },
  });
}

export interface JudgedAnswers {
  /** Each case's scores, in the cases' order. */
  scores: JudgeScore[][];
  /** How many of them worker threads judged. */
  onWorkers: number;
}

/** Threads ready to judge one run's answers; closed, its workers stop. */
export interface JudgePool {
  judge(cases: readonly AnswerCase[], shared: SharedCaseInputs): Promise<JudgedAnswers>;
  close(): Promise<void>;
}

/**
 * A pool of `threads` threads, this one included. Its workers start now: opened as a run's
 * judging begins, they load their modules while this thread reads and embeds what it judges.
 */
export function openJudgePool(threads: number): JudgePool {
  const workers = Array.from({ length: Math.max(0, threads - 1) }, () => {
    const worker: PoolWorker = { thread: startThread(new URL('./judge-worker.ts', import.meta.url), undefined) };
    // A worker that fails or stops before it is given work (its modules did not load) must fail the judging, not hang it.
    worker.thread.on('error', (error) => (worker.stopped ??= error)).on('exit', (code) => (worker.stopped ??= new Error(`a judging thread stopped with code ${code}`)));
    return worker;
  });
  return {
    judge: async (cases, shared) => {
      const judges = createJudges();
      if (workers.length === 0) return { scores: cases.map((input) => judgeAnswer(judges, input, shared)), onWorkers: 0 };
      const chunks = chunksByReply(cases);
      const scores: JudgeScore[][] = new Array(cases.length);
      let onWorkers = 0;
      let next = 0;
      const take = () => (next < chunks.length ? next++ : undefined);
      const place = (chunk: number, chunkScores: JudgeScore[][]) => chunks[chunk]!.forEach((index, at) => (scores[index] = chunkScores[at]!));
      const judging = Promise.all(
        workers.map((worker) =>
          judgeOn(worker, shared, (chunk) => chunks[chunk]!.map((index) => portable(cases[index]!)), take, (chunk, chunkScores) => {
            place(chunk, chunkScores);
            onWorkers += chunkScores.length;
          }),
        ),
      );
      // Awaited below, once this thread's chunks are judged: a worker failing meanwhile is not an unhandled rejection.
      judging.catch(() => undefined);
      // This thread judges too, a chunk at a time, letting the workers' requests in between.
      for (let chunk = take(); chunk !== undefined; chunk = take()) {
        place(chunk, chunks[chunk]!.map((index) => judgeAnswer(judges, cases[index]!, shared)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await judging;
      return { scores, onWorkers };
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.thread.terminate()));
    },
  };
}

/** The scores of every case, judged on `threads` threads. */
export async function judgeAnswers(cases: readonly AnswerCase[], shared: SharedCaseInputs, threads = judgingThreads(cases.length)): Promise<JudgedAnswers> {
  const pool = openJudgePool(threads);
  try {
    return await pool.judge(cases, shared);
  } finally {
    await pool.close();
  }
}

/**
 * The cases' indexes in chunks, the answers to one agent reply kept together: the judges keep
 * what they read of a reply, which its candidates' answers then share on one thread.
 */
function chunksByReply(cases: readonly AnswerCase[]): number[][] {
  const byReply = new Map<string, number[]>();
  cases.forEach((input, index) => {
    const group = byReply.get(input.wanted);
    if (group) group.push(index);
    else byReply.set(input.wanted, [index]);
  });
  const chunks: number[][] = [];
  let chunk: number[] = [];
  for (const group of byReply.values()) {
    chunk.push(...group);
    if (chunk.length < CHUNK_ANSWERS) continue;
    chunks.push(chunk);
    chunk = [];
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

interface PoolWorker {
  thread: Worker;
  /** Why it can judge no more. */
  stopped?: Error;
}

/** A worker judging chunks until none is left, two in its hands; its first are taken at once, so that every worker has some. */
function judgeOn(
  worker: PoolWorker,
  shared: SharedCaseInputs,
  casesOf: (chunk: number) => AnswerCase[],
  take: () => number | undefined,
  place: (chunk: number, scores: JudgeScore[][]) => void,
): Promise<void> {
  if (worker.stopped) return Promise.reject(worker.stopped);
  const first = take();
  if (first === undefined) return Promise.resolve();
  const { thread } = worker;
  let inFlight = 0;
  const send = (chunk: number) => {
    inFlight++;
    thread.postMessage({ type: 'chunk', chunk, cases: casesOf(chunk) } satisfies JudgePoolMessage);
  };
  return new Promise<void>((resolve, reject) => {
    const settle = (done: () => void) => {
      thread.off('message', onMessage).off('error', onStop).off('exit', onStop);
      done();
    };
    const onStop = () => settle(() => reject(worker.stopped));
    const onMessage = (message: JudgeWorkerMessage) => {
      if (message.type === 'failed') {
        settle(() => reject(Object.assign(new Error(`judging on a worker thread: ${message.message}`), { stack: message.stack })));
        return;
      }
      place(message.chunk, message.scores);
      inFlight--;
      const chunk = take();
      if (chunk !== undefined) send(chunk);
      else if (inFlight === 0) settle(resolve);
    };
    // Registered after the pool's own listeners, which record why it stopped.
    thread.on('message', onMessage).on('error', onStop).on('exit', onStop);
    thread.postMessage({ type: 'shared', shared } satisfies JudgePoolMessage);
    // A second chunk waits at the worker, which then never waits for this thread to be between two chunks of its own.
    for (const chunk of [first, take()]) if (chunk !== undefined) send(chunk);
  });
}

/**
 * The case with vectors of their own: an embedding is a view into the batch it was embedded in,
 * and posting a view copies its whole buffer.
 */
function portable(input: AnswerCase): AnswerCase {
  const { pair, negatives } = input.semantic;
  return { ...input, semantic: { pair: { ...pair, answer: pair.answer.slice(), reference: pair.reference.slice() }, negatives: negatives.map((vector) => vector.slice()) } };
}

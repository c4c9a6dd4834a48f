import { availableParallelism } from 'node:os';
import { errorOf, startThread, type ThreadFailure } from '../../threads.ts';
import type { JudgeEvidence, JudgeTexts, TextJudgeCase } from './define.ts';
import { JUDGES, type JudgeMap } from './index.ts';
import { judgeKeyFacts } from './key-facts.ts';
import type { JudgeScore } from './types.ts';

/**
 * A run's text judges, shared between this thread and worker threads. Judging is pure reading of
 * texts (8 to 11 of 14 s at 10k tickets on one thread), so each thread judges runs of cases as it
 * gets to them, and the evidence judges (embeddings, an LLM's scores) stay on the thread that made
 * their evidence. Every case gets the same scores whichever thread judges it.
 */

/** A case as sent to be judged: the catalogue is each thread's own array, which the judges' memos tell catalogues apart by. */
export type CaseTexts = Omit<JudgeTexts, 'products'>;

/** Each text judge's score of a case in the map's order, null where one does not apply. */
export type TextScores = Array<JudgeScore | null>;

type TextJudge = (input: TextJudgeCase) => JudgeScore | undefined;
type EvidenceJudge = (input: JudgeEvidence) => JudgeScore | undefined;

/** The map's judges for a run, built with their defaults: the evidence judges at their places, undefined where a text judge is. */
export function createRunJudges(): { text: TextJudge[]; evidence: Array<EvidenceJudge | undefined> } {
  const text: TextJudge[] = [];
  const evidence: Array<EvidenceJudge | undefined> = [];
  const map: JudgeMap = JUDGES;
  for (const definition of Object.values(map)) {
    const options = definition.options.parse(definition.example ?? {});
    if (definition.reads === 'evidence') evidence.push(definition.create(options));
    else {
      text.push(definition.create(options));
      evidence.push(undefined);
    }
  }
  return { text, evidence };
}

/** Every text judge's score of one case, the facts both sides state read once for them. */
export function judgeTexts(judges: readonly TextJudge[], texts: CaseTexts, products: readonly string[]): TextScores {
  const facts = judgeKeyFacts(texts.wanted, texts.said, { products, ...(texts.language && { language: texts.language }) });
  const input: TextJudgeCase = { ...texts, products, facts };
  return judges.map((judge) => judge(input) ?? null);
}

/** A case's scores in the map's order: its text judges' as judged on any thread, its evidence judges' read here. */
export function scoresInOrder(evidenceJudges: ReadonlyArray<EvidenceJudge | undefined>, texts: TextScores, evidence: JudgeEvidence): JudgeScore[] {
  const scores: JudgeScore[] = [];
  let next = 0;
  for (const judge of evidenceJudges) {
    const score = judge ? judge(evidence) : texts[next++];
    if (score) scores.push(score);
  }
  return scores;
}

/** What a judging worker starts with: every case of the run, and where the runs are handed out. */
export interface TextsWork {
  cases: readonly CaseTexts[];
  products: readonly string[];
  /** The first case of the next run to judge, taken by whichever thread adds RUN to it first. */
  next: Int32Array;
}

export type TextsReply = { from: number; scores: TextScores[] } | { done: true } | { failure: ThreadFailure };

/** Cases a thread takes at a time. */
export const RUN = 64;
/**
 * Below this many cases a worker costs more than it saves: on two hyperthreads of one core each
 * thread judges at about 0.6 of its speed alone, and a worker takes 0.2–0.4 s to start. Measured
 * there, judging 4,000 answers took as long with a worker, 12,000 answers 0.92 of the time, 36,000
 * 0.82 (both threads read as many texts as one did: a shared text is rarely read on both).
 */
const THREADED_MIN_CASES = 5_000;
/** Each worker gets a copy of every case; more than 2 threads were never measured (this machine has two). */
const MAX_THREADS = 2;

/** Threads to judge `cases` cases with on this machine, this one included. */
export function judgingThreadCount(cases: number): number {
  return cases < THREADED_MIN_CASES ? 1 : Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
}

/** Judges runs of the cases, each taken from the shared counter, until none is left; says each run's scores. */
export function judgeRuns(work: TextsWork, judges: readonly TextJudge[], judged: (from: number, scores: TextScores[]) => void): void {
  const { cases, products, next } = work;
  for (let from = Atomics.add(next, 0, RUN); from < cases.length; from = Atomics.add(next, 0, RUN)) {
    const to = Math.min(cases.length, from + RUN);
    const scores: TextScores[] = [];
    for (let index = from; index < to; index++) scores.push(judgeTexts(judges, cases[index]!, products));
    judged(from, scores);
  }
}

/** Text judging under way: workers start on the cases at once; `finish` has this thread join them. */
export interface TextJudging {
  /** Judges the runs left on this thread, then waits for the workers' last ones: every case's scores, in the cases' order. */
  finish(): Promise<TextScores[]>;
  /** Stops the workers, when the run fails before its scores are wanted. */
  cancel(): Promise<void>;
}

export interface TextJudgingOptions {
  /** @default judgingThreadCount(cases.length) */
  threads?: number;
  /** Cases judged or being judged on any thread, after each run this thread judges. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/**
 * Starts judging every case on its texts with `threads - 1` worker threads, which take runs of
 * cases from a shared counter while this thread does other work (embedding, the hard negatives);
 * `finish` has this thread take runs too.
 */
export function startTextJudging(cases: readonly CaseTexts[], products: readonly string[], options: TextJudgingOptions = {}): TextJudging {
  const threads = options.threads ?? judgingThreadCount(cases.length);
  const scores: TextScores[] = new Array(cases.length);
  const work: TextsWork = { cases, products, next: new Int32Array(new SharedArrayBuffer(4)) };
  const place = (from: number, judged: TextScores[]) => judged.forEach((caseScores, offset) => (scores[from + offset] = caseScores));
  const workers = Array.from({ length: threads - 1 }, () => {
    const worker = startThread(new URL('./text-judging-worker.ts', import.meta.url), work);
    const done = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: TextsReply) => {
        if ('failure' in reply) reject(errorOf(reply.failure));
        else if ('done' in reply) resolve();
        else place(reply.from, reply.scores);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`a judging worker thread stopped before it was done (exit code ${code})`)));
    });
    // Awaited by finish; a worker failing before then must not end the process as an unhandled rejection.
    done.catch(() => undefined);
    return { worker, done };
  });
  const cancel = async () => {
    for (const { worker } of workers) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  };
  return {
    async finish() {
      try {
        judgeRuns(work, createRunJudges().text, (from, judged) => {
          place(from, judged);
          options.onProgress?.({ done: Math.min(Atomics.load(work.next, 0), cases.length), total: cases.length });
        });
        await Promise.all(workers.map(({ done }) => done));
        return scores;
      } finally {
        await cancel();
      }
    },
    cancel,
  };
}

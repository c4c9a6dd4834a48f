import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { errorOf, startThread, type ThreadFailure } from '../../threads.ts';
import type { Customer } from '../../datasets/records.ts';
import { createWithDefaults, factOptionsOf, type JudgeEvidence, type JudgedAnswer, type JudgeTexts, type TextJudgeCase } from './define.ts';
import { JUDGES, type JudgeMap, type JudgeName } from './index.ts';
import { judgeKeyFacts } from './key-facts.ts';
import type { JudgeScore } from './types.ts';

/**
 * A run's text judges, shared between this thread and worker threads. Judging is pure reading of
 * texts (8 to 11 of 14 s at 10k tickets on one thread), so each thread judges runs of cases as it
 * gets to them, one side of the judges at a time (below), and the evidence judges (embeddings, an
 * LLM's scores) stay on the thread that made their evidence. Every case gets the same scores
 * whichever thread judges it.
 */

/** A case as sent to be judged: the catalogue is each thread's own array, which the judges' memos tell catalogues apart by. */
export type CaseTexts = Omit<JudgeTexts, 'products'>;

/** Each text judge's score of a case in the map's order, null where one does not apply. */
export type TextScores = Array<JudgeScore | null>;

type TextJudge = (input: TextJudgeCase) => JudgeScore | undefined;
type EvidenceJudge = (input: JudgeEvidence) => JudgeScore | undefined;

const JUDGE_MAP: JudgeMap = JUDGES;

/**
 * The text judges are judged in two sides, a side over every case of a run before the other: the
 * facts side (the judges of the facts both texts state, and safety and grounding, which read texts
 * through the same facts reader; wording evens the sides out) and the rest. A thread starts on its
 * own side and takes the other's runs once its own are taken, so two threads mostly compile, warm
 * up and keep the readings of half the judges each, not all of them twice: 22,773 cases took
 * 4.6–4.8 s on two threads (8.1–8.5 s of CPU) against 5.5–5.8 s (10.7–11.3 s) with every judge on
 * each case, and on one thread 6.2–8.2 s against 7.2–8.5 s (fewer judges' code in use at a time).
 */
const FACTS_SIDE: ReadonlySet<string> = new Set<JudgeName>(['key-facts', 'conflicts', 'asked-facts', 'safety', 'grounding', 'wording']);
export const FACTS = 0;
export const OTHERS = 1;
export type Side = typeof FACTS | typeof OTHERS;

/** One side's text judges, and the place of each in the map's order. */
interface SideJudges {
  judges: TextJudge[];
  places: number[];
}

/** The map's text judges for a run, built with their defaults, by side. */
export interface TextJudges {
  sides: readonly [SideJudges, SideJudges];
  /** How many text judges the map has: a case's text scores, whichever side judged them. */
  count: number;
}

/** The map's text judges, built with their defaults: a thread judging texts builds no other. */
export function createTextJudges(): TextJudges {
  const sides: [SideJudges, SideJudges] = [
    { judges: [], places: [] },
    { judges: [], places: [] },
  ];
  let count = 0;
  for (const definition of Object.values(JUDGE_MAP)) {
    if (definition.reads === 'evidence') continue;
    const side = sides[FACTS_SIDE.has(definition.name) ? FACTS : OTHERS];
    side.judges.push(createWithDefaults(definition));
    side.places.push(count++);
  }
  return { sides, count };
}

/** The map's evidence judges for a run, built with their defaults, at their places in the map: undefined where a text judge is. */
export function createEvidenceJudges(): Array<EvidenceJudge | undefined> {
  return Object.values(JUDGE_MAP).map((definition) => (definition.reads === 'evidence' ? createWithDefaults(definition) : undefined));
}

/** Every field of T, optional ones too: a field added to a case must be copied into JudgedCase. */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

/**
 * A case as a side's judges read it: every field in place (undefined where the case has none) and
 * the facts both texts state read once, if a judge of the side asks for them. Every case is then one
 * shape of object, where a copy spread from each case had a shape per mix of its optional fields,
 * which each judge reading it had to tell apart: `judgeRuns` of 22,773 cases on one thread took a
 * median 6.38 against 6.98 s (six alternated pairs), with the same scores.
 */
class JudgedCase implements EveryField<TextJudgeCase> {
  readonly answer: JudgedAnswer;
  readonly said: string;
  readonly wanted: string;
  readonly question: string;
  readonly language: string | undefined;
  readonly products: readonly string[];
  readonly customer: Customer;
  readonly citedSources: TextJudgeCase['citedSources'];
  readonly brandHandles: readonly string[];
  readonly ownOrderIds: string[] | undefined;
  readonly agentMacro: string | undefined;
  readonly answerMacro: string | undefined;
  readonly ticketIntent: string | undefined;
  readonly answerIntent: string | undefined;
  #facts: TextJudgeCase['facts'] | undefined;

  constructor(texts: CaseTexts, products: readonly string[]) {
    this.answer = texts.answer;
    this.said = texts.said;
    this.wanted = texts.wanted;
    this.question = texts.question;
    this.language = texts.language;
    this.products = products;
    this.customer = texts.customer;
    this.citedSources = texts.citedSources;
    this.brandHandles = texts.brandHandles;
    this.ownOrderIds = texts.ownOrderIds;
    this.agentMacro = texts.agentMacro;
    this.answerMacro = texts.answerMacro;
    this.ticketIntent = texts.ticketIntent;
    this.answerIntent = texts.answerIntent;
  }

  get facts(): TextJudgeCase['facts'] {
    return (this.#facts ??= judgeKeyFacts(this.wanted, this.said, factOptionsOf(this)));
  }
}

/** One side's judges' scores of a case, in the side's order. */
function judgeSide(judges: readonly TextJudge[], texts: CaseTexts, products: readonly string[]): TextScores {
  const input = new JudgedCase(texts, products);
  return judges.map((judge) => judge(input) ?? null);
}

/** Each evidence judge's score of a case, at its place in the map, null where one does not apply or a text judge stands. */
export type EvidenceScores = Array<JudgeScore | null>;

export function judgeEvidence(evidenceJudges: ReadonlyArray<EvidenceJudge | undefined>, evidence: JudgeEvidence): EvidenceScores {
  return evidenceJudges.map((judge) => (judge ? (judge(evidence) ?? null) : null));
}

/** A case's scores in the map's order: its text judges' as judged on any thread, its evidence judges' as judged here. */
export function scoresInOrder(evidenceJudges: ReadonlyArray<EvidenceJudge | undefined>, evidence: EvidenceScores, texts: TextScores): JudgeScore[] {
  const scores: JudgeScore[] = [];
  let next = 0;
  for (let place = 0; place < evidenceJudges.length; place++) {
    const score = evidenceJudges[place] ? evidence[place] : texts[next++];
    if (score) scores.push(score);
  }
  return scores;
}

/** Every case of the run, and where the runs are handed out. */
export interface TextsWork {
  cases: readonly CaseTexts[];
  products: readonly string[];
  /** Per side, the first case of its next run to judge, taken by whichever thread adds RUN to it first. */
  next: Int32Array;
}

/**
 * What a judging worker starts with: the cases with their texts as places in a list of the run's
 * distinct texts, and the channel it posts its scores on. A worker gets a copy, and a text is copied
 * wherever it stands: an article cited by a thousand answers was copied a thousand times (42 MB
 * cloned at 10k tickets, 5 MB of distinct texts; 18 MB sent now). Read back, a text is one string
 * however many cases hold it, as on this thread, so the judges' readings hash it once.
 */
export interface SentWork extends Omit<TextsWork, 'cases'> {
  texts: string[];
  cases: Array<CaseWith<number>>;
  port: MessagePort;
}

/** A case whose texts are `T`: strings as made, places in the run's list of distinct texts as sent. */
type CaseWith<T> = Omit<CaseTexts, 'answer' | 'said' | 'wanted' | 'question' | 'citedSources'> & {
  answer: Omit<CaseTexts['answer'], 'text'> & { text: T };
  said: T;
  wanted: T;
  question: T;
  citedSources: ReadonlyArray<{ type: CaseTexts['citedSources'][number]['type']; text: T }>;
};

/** The case with each of its texts replaced by `map`'s value for it: sending and receiving replace the same texts. */
function withTexts<From, To>(texts: CaseWith<From>, map: (text: From) => To): CaseWith<To> {
  return {
    ...texts,
    answer: { ...texts.answer, text: map(texts.answer.text) },
    said: map(texts.said),
    wanted: map(texts.wanted),
    question: map(texts.question),
    citedSources: texts.citedSources.map((source) => ({ type: source.type, text: map(source.text) })),
  };
}

/**
 * Places in a list of distinct strings, a string given its place the first time it is met; `fresh`
 * the strings placed since its last call, for a receiver that keeps the list as it grows.
 */
function stringPlaces(): { place: (text: string) => number; fresh: () => string[] } {
  const places = new Map<string, number>();
  let placed: string[] = [];
  return {
    place(text) {
      let at = places.get(text);
      if (at === undefined) {
        places.set(text, (at = places.size));
        placed.push(text);
      }
      return at;
    },
    fresh() {
      const strings = placed;
      placed = [];
      return strings;
    },
  };
}

/** The work as every worker is sent it, but for the channel each posts on. */
function sentWork({ cases, products, next }: TextsWork): Omit<SentWork, 'port'> {
  const { place, fresh } = stringPlaces();
  const sent = cases.map((texts) => withTexts(texts, place));
  return { texts: fresh(), cases: sent, products, next };
}

/** The work a worker was sent, its cases as they were made. */
export function receivedWork({ texts, cases, products, next }: SentWork): TextsWork {
  // The answer as it was sent, one of Answer's kinds: only its text was replaced.
  const received = cases.map((sent) => withTexts(sent, (at) => texts[at]!) as CaseTexts);
  return { cases: received, products, next };
}

/** What a worker posts on its channel: each run's scores, then that it is done. A failure comes from the worker itself. */
export type TextsReply = SentScores | { done: true };

/**
 * A run's scores as a worker posts them, each case's of the side's judges in the side's order: a
 * score as the places of its judge and its reason in the run's list of distinct strings, with its
 * value (-1 where a judge did not score); the strings no earlier run sent come with it. Reasons
 * repeat ("no safety issue found"): the scores of 22,773 cases were 19 MB as objects, read back in
 * 101–124 ms, and are 2.8 MB so, read back in 17–34 ms.
 */
export interface SentScores {
  side: Side;
  from: number;
  cases: number;
  strings: string[];
  values: Array<number | null>;
}

/** A worker's runs of scores as it posts them, its strings placed once in the run's list. */
export function scoreSender(): (side: Side, from: number, scores: readonly TextScores[]) => SentScores {
  const { place, fresh } = stringPlaces();
  return (side, from, scores) => {
    const values: Array<number | null> = [];
    for (const caseScores of scores) {
      for (const score of caseScores) {
        if (score) values.push(place(score.judge), score.score, place(score.reason));
        else values.push(-1);
      }
    }
    return { side, from, cases: scores.length, strings: fresh(), values };
  };
}

/** The runs of scores a worker posted, as it judged them: a score holds its judge, its value and its reason only (the judges' contract). */
function scoreReceiver(judges: TextJudges): (sent: SentScores) => TextScores[] {
  const strings: string[] = [];
  return ({ side, cases, strings: fresh, values }) => {
    for (const text of fresh) strings.push(text);
    const perCase = judges.sides[side].judges.length;
    const scores: TextScores[] = [];
    let at = 0;
    for (let index = 0; index < cases; index++) {
      const caseScores: TextScores = [];
      for (let judge = 0; judge < perCase; judge++) {
        const judgeAt = values[at++]!;
        if (judgeAt === -1) caseScores.push(null);
        else {
          caseScores.push({ judge: strings[judgeAt]!, score: values[at] as number | null, reason: strings[values[at + 1]!]! });
          at += 2;
        }
      }
      scores.push(caseScores);
    }
    return scores;
  };
}

/** Cases a thread takes at a time. */
export const RUN = 64;
/**
 * Below this many cases a worker costs more than it saves: it takes 0.2–0.4 s to start, and on these
 * two vCPUs each thread judges at about 0.6 of its speed alone. Measured with the judges in sides,
 * judging a run (judgeRun, in a fresh process) of 1,600 answers took 1.54–1.80 s with a worker
 * against 1.51–1.67 s without, 3,354 answers 2.36–2.42 against 2.58–2.68 s.
 */
const THREADED_MIN_CASES = 2_500;
/** Each worker gets a copy of every case; more than 2 threads were never measured (this machine has two). */
const MAX_THREADS = 2;

/** Threads to judge `cases` cases with on this machine, this one included. */
export function judgingThreadCount(cases: number): number {
  return cases < THREADED_MIN_CASES ? 1 : Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
}

/** Judges runs of the cases, each taken from its side's shared counter, `first` side first, until none is left; says each run's scores. */
export function judgeRuns(work: TextsWork, judges: TextJudges, first: Side, judged: (side: Side, from: number, scores: TextScores[]) => void): void {
  const { cases, products, next } = work;
  for (const side of [first, first === FACTS ? OTHERS : FACTS] as const) {
    const sideJudges = judges.sides[side].judges;
    for (let from = Atomics.add(next, side, RUN); from < cases.length; from = Atomics.add(next, side, RUN)) {
      const to = Math.min(cases.length, from + RUN);
      const scores: TextScores[] = [];
      for (let index = from; index < to; index++) scores.push(judgeSide(sideJudges, cases[index]!, products));
      judged(side, from, scores);
    }
  }
}

/** Where a side's run of scores goes: each case's text scores in the map's order, whichever sides have been judged. */
function placeRun(scores: TextScores[], judges: TextJudges, side: Side, from: number, judged: readonly TextScores[]): void {
  const { places } = judges.sides[side];
  judged.forEach((sideScores, offset) => {
    const caseScores = (scores[from + offset] ??= new Array<JudgeScore | null>(judges.count).fill(null));
    places.forEach((place, index) => (caseScores[place] = sideScores[index]!));
  });
}

/** Text judging under way: workers start on the cases at once; `finish` has this thread join them. */
export interface TextJudging {
  /**
   * Judges the runs left on this thread, then waits for the workers' last ones: every case's scores,
   * in the cases' order. `scored` is told, as they come, that every case before `upTo` has its
   * scores: a caller can use them while the workers still judge.
   */
  finish(scored?: (scores: readonly TextScores[], upTo: number) => void): Promise<TextScores[]>;
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
 * Worker threads started before a run's cases are made: each loads the judges (0.2 to 0.9 s) while
 * this thread reads the run, rather than after.
 */
export interface JudgingThreads {
  /**
   * Starts judging every case on its texts: the workers (no more than `threads - 1` of them) take
   * runs of cases from a shared counter while this thread does other work (embedding, the hard
   * negatives); `finish` has this thread take runs too.
   */
  judge(cases: readonly CaseTexts[], products: readonly string[], options?: TextJudgingOptions): TextJudging;
  /** Stops the workers, when the run fails before its cases are judged. */
  cancel(): Promise<void>;
}

/** Starts `workers` worker threads, to judge the cases `judge` is given once they are made. */
export function startJudgingThreads(workers: number): JudgingThreads {
  const started = Array.from({ length: workers }, () => {
    const worker = startThread(new URL('./text-judging-worker.ts', import.meta.url), undefined);
    // Rejected when the worker fails (loading its judges or judging) or stops before it is done.
    const failed = new Promise<never>((_, reject) => {
      worker.on('message', (failure: ThreadFailure) => reject(errorOf(failure)));
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`a judging worker thread stopped before it was done (exit code ${code})`)));
    });
    failed.catch(() => undefined);
    return { worker, failed };
  });
  const cancel = async () => {
    for (const { worker } of started) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  };
  return {
    judge(cases, products, options = {}) {
      const threads = options.threads ?? judgingThreadCount(cases.length);
      const scores: TextScores[] = new Array(cases.length);
      /** Each case's sides judged so far, and the first case not judged on both. */
      const sidesJudged = new Uint8Array(cases.length);
      let scoredUpTo = 0;
      const work: TextsWork = { cases, products, next: new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)) };
      const judges = createTextJudges();
      const place = (side: Side, from: number, judged: readonly TextScores[]) => {
        placeRun(scores, judges, side, from, judged);
        for (let index = from; index < from + judged.length; index++) sidesJudged[index]!++;
        while (sidesJudged[scoredUpTo] === 2) scoredUpTo++;
      };
      const channels: Array<{ port: MessagePort; done: Promise<void>; drain: () => void }> = [];
      const stop = async () => {
        for (const { port } of channels) port.close();
        await cancel();
      };
      try {
        // Workers beyond what the cases are worth stay idle until finish stops them.
        let sent: Omit<SentWork, 'port'> | undefined;
        for (const { worker, failed } of started.slice(0, Math.max(0, threads - 1))) {
          const { port1, port2 } = new MessageChannel();
          let failure: unknown;
          let settle!: { resolve: () => void; reject: (error: unknown) => void };
          const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
          // Awaited by finish; a worker failing before then must not end the process as an unhandled rejection.
          done.catch(() => undefined);
          failed.catch((error: unknown) => settle.reject((failure = error)));
          const scoresOf = scoreReceiver(judges);
          const receive = (reply: TextsReply) => ('done' in reply ? settle.resolve() : place(reply.side, reply.from, scoresOf(reply)));
          port1.on('message', receive);
          channels.push({
            port: port1,
            done,
            /** Places the runs the worker has posted so far: this thread hears of none while it judges otherwise. */
            drain: () => {
              if (failure) throw failure;
              for (let reply = receiveMessageOnPort(port1); reply; reply = receiveMessageOnPort(port1)) receive(reply.message as TextsReply);
            },
          });
          worker.postMessage({ ...(sent ??= sentWork(work)), port: port2 } satisfies SentWork, [port2]);
        }
      } catch (error) {
        // A case that cannot be sent (a value no structured clone takes) must not leave the workers waiting for one.
        void stop();
        throw error;
      }
      return {
        async finish(scored) {
          try {
            let told = 0;
            const tell = () => {
              if (scoredUpTo > told) scored?.(scores, (told = scoredUpTo));
            };
            // The workers start on the facts side, this thread on the other, once it has made the evidence.
            judgeRuns(work, judges, OTHERS, (side, from, judged) => {
              place(side, from, judged);
              for (const { drain } of channels) drain();
              tell();
              const taken = Math.min(Atomics.load(work.next, FACTS), cases.length) + Math.min(Atomics.load(work.next, OTHERS), cases.length);
              options.onProgress?.({ done: Math.floor(taken / 2), total: cases.length });
            });
            for (const { drain, done } of channels) {
              drain();
              await done;
            }
            tell();
            return scores;
          } finally {
            await stop();
          }
        },
        cancel: stop,
      };
    },
    cancel,
  };
}

import type { ExplorerTicket } from './run-report.ts';
import { ORACLE } from '../responders/oracle.ts';

/**
 * The judges' noise floor: how often the agent's own replies, sent by the oracle candidate, are
 * judged correct, and which judges turn the others down. Below 100 %, the judges (or the agent)
 * are wrong on that share, and no candidate can be measured more finely than that.
 */
export interface NoiseFloor {
  correct: number;
  /** The oracle's answers: the tickets the agent replied to. */
  judged: number;
  /** Judges that fell short on the answers not judged correct, most frequent first. */
  reasons: Array<{ judge: string; tickets: number }>;
}

/** Judges that measure closeness rather than check: they never alone tell why the agent's reply fell short. */
const CLOSENESS = new Set(['semantic', 'topic', 'wording']);
const TOP_REASONS = 3;

/** The noise floor of a run that replayed the oracle; undefined when it did not. */
export function noiseFloor(tickets: readonly ExplorerTicket[]): NoiseFloor | undefined {
  const answers = tickets.flatMap((ticket) => ticket.answers.filter((answer) => answer.candidate === ORACLE && answer.sent));
  if (answers.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const answer of answers.filter((candidate) => candidate.verdict !== 'correct')) {
    for (const judge of answer.judges) {
      if (!CLOSENESS.has(judge.judge) && judge.score !== null && judge.score < 1) counts.set(judge.judge, (counts.get(judge.judge) ?? 0) + 1);
    }
  }
  const reasons = [...counts].map(([judge, count]) => ({ judge, tickets: count })).sort((a, b) => b.tickets - a.tickets || a.judge.localeCompare(b.judge));
  return { correct: answers.filter((answer) => answer.verdict === 'correct').length, judged: answers.length, reasons };
}

/** One line for the terminal and the Markdown summary. */
export function noiseFloorLine(floor: NoiseFloor): string {
  const share = Math.round((100 * floor.correct) / floor.judged);
  const reasons = floor.reasons.slice(0, TOP_REASONS).map((reason) => `${reason.judge} ${reason.tickets}`);
  const why = reasons.length > 0 ? `; turned down by ${reasons.join(', ')}` : '';
  return `judge noise floor: the agent's own replies are judged correct on ${share} % (${floor.correct}/${floor.judged})${why}`;
}

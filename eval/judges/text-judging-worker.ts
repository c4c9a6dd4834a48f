import { parentPort } from 'node:worker_threads';
import { failureOf } from '../../threads.ts';
import { createTextJudges, FACTS, judgeRuns, receivedWork, type SentWork, type TextsReply } from './text-judging.ts';

/**
 * A judging worker: builds the judges while the run's cases are being made, then takes runs of the
 * cases it is sent, the facts side's first, until none is left, posting each run's scores.
 */

const port = parentPort!;
const post = (reply: TextsReply) => port.postMessage(reply);
const fail = (error: unknown) => post({ failure: failureOf(error) });
try {
  const judges = createTextJudges();
  port.once('message', (work: SentWork) => {
    try {
      judgeRuns(receivedWork(work), judges, FACTS, (side, from, scores) => post({ side, from, scores }));
      post({ done: true });
    } catch (error) {
      fail(error);
    }
  });
} catch (error) {
  fail(error);
}

import { parentPort } from 'node:worker_threads';
import { failureOf } from '../../threads.ts';
import { createTextJudges, FACTS, judgeRuns, receivedWork, scoreSender, type SentWork, type TextsReply } from './text-judging.ts';

/**
 * A judging worker: builds the judges while the run's cases are being made, then takes runs of the
 * cases it is sent, the facts side's first, until none is left, posting each run's scores on the
 * channel it was given. A failure is posted to the thread that started it.
 */

const port = parentPort!;
const fail = (error: unknown) => port.postMessage(failureOf(error));
try {
  const judges = createTextJudges();
  // Still listening once done, the worker lives until the thread that started it stops it: ended by
  // itself, it could be seen to stop before its last scores on the channel were read.
  port.on('message', (work: SentWork) => {
    const post = (reply: TextsReply) => work.port.postMessage(reply);
    const sent = scoreSender();
    try {
      judgeRuns(receivedWork(work), judges, FACTS, (side, from, scores) => post(sent(side, from, scores)));
      post({ done: true });
    } catch (error) {
      fail(error);
    }
  });
} catch (error) {
  fail(error);
}

import { parentPort, workerData } from 'node:worker_threads';
import { failureOf } from '../../threads.ts';
import { createRunJudges, judgeRuns, type TextsReply, type TextsWork } from './text-judging.ts';

/** A judging worker: takes runs of the cases it started with until none is left, posting each run's scores. */

const port = parentPort!;
const post = (reply: TextsReply) => port.postMessage(reply);
try {
  judgeRuns(workerData as TextsWork, createRunJudges().text, (from, scores) => post({ from, scores }));
  post({ done: true });
} catch (error) {
  post({ failure: failureOf(error) });
}

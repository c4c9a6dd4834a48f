import { parentPort, workerData } from 'node:worker_threads';
import { failureOf } from '../../threads.ts';
import { judgeCases, type CaseToJudge, type JudgeThreadMessage } from './judge-threads.ts';

/** Judges the cases it is started with and posts their scores. */

const port = parentPort!;
try {
  port.postMessage({ type: 'scores', scores: judgeCases(workerData as CaseToJudge[]) } satisfies JudgeThreadMessage);
} catch (error) {
  port.postMessage({ type: 'failed', ...failureOf(error) } satisfies JudgeThreadMessage);
}

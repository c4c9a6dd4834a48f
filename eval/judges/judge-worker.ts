import { parentPort, workerData } from 'node:worker_threads';
import { createJudges } from './index.ts';
import { judgeAnswer, type JudgePoolMessage, type JudgeWorkerMessage, type SharedCaseInputs } from './judge-pool.ts';

/** Judges the chunks of cases the pool hands over, one at a time, until it says there are no more. */

const port = parentPort!;
const shared = workerData as SharedCaseInputs;
const judges = createJudges();
port.on('message', (message: JudgePoolMessage) => {
  if (message.type === 'end') {
    port.close();
    return;
  }
  try {
    const scores = message.cases.map((input) => judgeAnswer(judges, input, shared));
    port.postMessage({ type: 'scores', chunk: message.chunk, scores } satisfies JudgeWorkerMessage);
  } catch (error) {
    const { message: reason, stack } = error as Error;
    port.postMessage({ type: 'failed', message: reason, stack } satisfies JudgeWorkerMessage);
  }
});

import { parentPort } from 'node:worker_threads';
import { createJudges } from './index.ts';
import { judgeAnswer, type JudgePoolMessage, type JudgeWorkerMessage, type SharedCaseInputs } from './judge-pool.ts';

/** Judges the chunks of cases the pool hands over, one at a time, with what every case shares sent first. */

const port = parentPort!;
const judges = createJudges();
let shared: SharedCaseInputs | undefined;
port.on('message', (message: JudgePoolMessage) => {
  if (message.type === 'shared') {
    shared = message.shared;
    return;
  }
  try {
    const scores = message.cases.map((input) => judgeAnswer(judges, input, shared!));
    port.postMessage({ type: 'scores', chunk: message.chunk, scores } satisfies JudgeWorkerMessage);
  } catch (error) {
    const { message: reason, stack } = error as Error;
    port.postMessage({ type: 'failed', message: reason, stack } satisfies JudgeWorkerMessage);
  }
});

/**
 * Progress in a CI log or a pipe, where a line rewritten in place shows as nothing for minutes:
 * a plain line at each tenth of the work, at most every few seconds otherwise, and when a stage
 * ends. Every long command (import, index, simulate, pull) writes its log lines through this.
 */

export interface PlainProgressOptions {
  /** Seconds between two lines when the tenths come slower. @default 5 */
  everySeconds?: number;
  /** @default performance.now */
  now?: () => number;
}

/** One step of some work: what to print, how far it is (null when the total is unknown), whether this stage just ended. */
export interface ProgressStep {
  line: string;
  fraction: number | null;
  /** Progress is per stage (fit, embed, write): a new key starts the counting again. */
  stage: string;
  done: boolean;
}

/** A printer of plain lines for `describe`d progress events. */
export function plainProgress<P>(stream: NodeJS.WritableStream, describe: (progress: P) => ProgressStep, options: PlainProgressOptions = {}): (progress: P) => void {
  const now = options.now ?? (() => performance.now());
  const interval = (options.everySeconds ?? 5) * 1000;
  let stage: string | undefined;
  let lastAt = 0;
  let lastTenth = -1;
  let lastLine = '';
  return (progress) => {
    const step = describe(progress);
    const at = now();
    if (step.stage !== stage) {
      stage = step.stage;
      lastAt = at;
      lastTenth = -1;
    }
    const tenth = step.fraction === null ? lastTenth : Math.floor(step.fraction * 10);
    // The end of a stage can be reported more than once (once per candidate); a log needs it once.
    if (step.line === lastLine || (!step.done && tenth <= lastTenth && at - lastAt < interval)) return;
    lastAt = at;
    lastTenth = tenth;
    lastLine = step.line;
    stream.write(`${step.line}\n`);
  };
}

/** Stable codes for errors a user can cause; anything else is our bug and keeps its stack. */
export type ShadowdeskErrorCode =
  | 'SD_INPUT_NOT_FOUND'
  | 'SD_FORMAT_UNKNOWN'
  | 'SD_FORMAT_UNDETECTED'
  | 'SD_MAPPING_INVALID'
  | 'SD_NOTHING_IMPORTED'
  | 'SD_WORKSPACE'
  | 'SD_INTERRUPTED'
  | 'SD_MODEL_UNAVAILABLE'
  | 'SD_INPUT_INVALID';

/**
 * One thing wrong in what a user wrote, and where: library code says it in these fields, so a
 * command formats it (and an editor or CI annotation could point at it) without reading it back
 * out of a sentence.
 */
export interface ProblemAt {
  /** What is wrong, e.g. `unknown key (a typo?)`. */
  message: string;
  file?: string;
  /** 1-based, as editors count. */
  line?: number;
  /** The key path in the file, e.g. `candidates[1].type`. */
  key?: string;
  /** How to fix it, e.g. `did you mean "concurrency"?`. */
  hint?: string;
}

export class ShadowdeskError extends Error {
  override readonly name = 'ShadowdeskError';
  /** Where and what, one entry per problem; empty when the message says it all. */
  readonly issues: readonly ProblemAt[];
  constructor(
    readonly code: ShadowdeskErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: readonly ProblemAt[] },
  ) {
    super(message, options);
    this.issues = options?.issues ?? [];
  }
}

export function isShadowdeskError(error: unknown): error is ShadowdeskError {
  return error instanceof ShadowdeskError;
}

/** `file:line: key: message`, the one way a problem is written, so an editor can jump to it. */
export function problemLine(problem: ProblemAt): string {
  const where = problem.file === undefined ? [] : [problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`];
  return [...where, ...(problem.key === undefined ? [] : [problem.key]), problem.message].join(': ');
}

/** Problems one a line under a heading; with `hints`, each followed by its fix. */
export function problemsText(heading: string, problems: readonly ProblemAt[], options: { hints?: boolean } = {}): string {
  const lines = problems.map((problem) => `  ${problemLine(problem)}${options.hints && problem.hint ? `\n    fix: ${problem.hint}` : ''}`);
  return [heading, ...lines].join('\n');
}

/**
 * The error for problems found in a user's input: its message lists them under `heading` (the
 * text a log shows), its issues keep them apart (what a command formats).
 */
export function problemsError(code: ShadowdeskErrorCode, heading: string, problems: readonly ProblemAt[]): ShadowdeskError {
  return new ShadowdeskError(code, problemsText(heading, problems), { issues: problems });
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readReport, REPORT_WRITERS, type CompareOptions, type RunReport } from '../../index.ts';
import { ShadowdeskError } from '../../errors.ts';

/** The runs and flags `compare` and `ci` share. */

/** A run folder or a report.json. */
export function readRunReport(path: string, flag?: string): Promise<RunReport> {
  const file = path.endsWith('.json') ? path : join(path, REPORT_WRITERS.json.file);
  const where = flag ? `${flag} ${path}` : path;
  if (!existsSync(path)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${where}: no such run folder or report.json; \`shadowdesk simulate\` writes runs to .shadowdesk/runs/latest (or to the folder --run names)`);
  if (!existsSync(file)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${where}: no report.json yet; run \`shadowdesk report ${path}\` first`);
  return readReport(file);
}

/** A share in [0, 1) from a flag, e.g. `--alpha 0.05`. */
export function shareOf(flag: string, text: string, example: string): number {
  const value = Number(text);
  if (!(value >= 0 && value < 1)) throw new ShadowdeskError('SD_INPUT_INVALID', `${flag} ${text}: expected a share such as ${example}`);
  return value;
}

export function compareOptionsOf(args: { tolerance?: string; alpha?: string }): CompareOptions {
  return {
    ...(args.tolerance !== undefined && { tolerance: shareOf('--tolerance', args.tolerance, '0.02 (two points)') }),
    ...(args.alpha !== undefined && { alpha: shareOf('--alpha', args.alpha, '0.05') }),
  };
}

export const GATE_ARGS = {
  tolerance: { type: 'string', description: 'Smallest drop that counts as a regression, as a share (default 0.02 = two points)' },
  alpha: { type: 'string', description: 'One-sided significance level of a drop (default 0.05)' },
} as const;

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { compareRuns, type CompareOptions } from '../../eval/compare.ts';
import { readReport, type RunReport } from '../../eval/run-report.ts';
import { ShadowdeskError } from '../../errors.ts';
import { renderComparisonMarkdown } from '../../reports/comparison.ts';
import { REPORT_WRITERS } from '../../reports/index.ts';
import { guarded, withExamples } from '../_cli.ts';

/** A run folder or a report.json. */
export function readRunReport(path: string, flag?: string): Promise<RunReport> {
  const file = path.endsWith('.json') ? path : join(path, REPORT_WRITERS.json.file);
  const where = flag ? `${flag} ${path}` : path;
  if (!existsSync(path)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${where}: no such run folder or report.json; \`shadowdesk simulate\` writes runs to .shadowdesk/runs/latest (or to the folder --run names)`);
  if (!existsSync(file)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${where}: no report.json yet; run \`shadowdesk report ${path}\` first`);
  return readReport(file);
}

export function compareOptionsOf(args: { tolerance?: string; 'max-newly-wrong'?: string }): CompareOptions {
  const options: CompareOptions = {};
  if (args.tolerance !== undefined) {
    const tolerance = Number(args.tolerance);
    if (!(tolerance >= 0 && tolerance < 1)) throw new ShadowdeskError('SD_INPUT_INVALID', `--tolerance ${args.tolerance}: expected a share such as 0.01 (one point)`);
    options.tolerance = tolerance;
  }
  if (args['max-newly-wrong'] !== undefined) {
    const limit = Number(args['max-newly-wrong']);
    if (!Number.isInteger(limit) || limit < 0) throw new ShadowdeskError('SD_INPUT_INVALID', `--max-newly-wrong ${args['max-newly-wrong']}: expected a whole number ≥ 0`);
    options.maxNewlyWrong = limit;
  }
  return options;
}

export const GATE_ARGS = {
  tolerance: { type: 'string', description: 'Extra drop allowed beyond the intervals, as a share (0.01 = one point)' },
  'max-newly-wrong': { type: 'string', description: 'Tickets allowed to go from correct to wrong per candidate (default 1%, at least 2)' },
} as const;

const command = defineCommand({
  meta: { name: 'compare', description: 'Compare two runs: metric changes with intervals, and the tickets whose verdict changed.' },
  args: {
    baseline: { type: 'positional', description: 'The earlier run (folder or report.json)', required: true },
    current: { type: 'positional', description: 'The later run (folder or report.json)', required: true },
    ...GATE_ARGS,
  },
  run: ({ args }) =>
    guarded(async () => {
      const comparison = compareRuns(await readRunReport(args.baseline), await readRunReport(args.current), compareOptionsOf(args));
      process.stdout.write(renderComparisonMarkdown(comparison, { baseline: args.baseline, current: args.current }));
    }),
});

export default withExamples(command, ['shadowdesk compare runs/june runs/july', 'shadowdesk compare ci/baseline.json .shadowdesk/runs/latest --tolerance 0.01']);

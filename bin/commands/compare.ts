import { defineCommand } from 'citty';
import { compareRuns, renderComparisonMarkdown } from '../../index.ts';
import { guarded, withExamples } from '../_cli.ts';
import { compareOptionsOf, GATE_ARGS, readRunReport } from './_gate-flags.ts';

const command = defineCommand({
  meta: { name: 'compare', description: 'Compare two runs ticket by ticket: each rate\'s change with its paired interval and p-value, and the tickets whose verdict changed.' },
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

export default withExamples(command, ['shadowdesk compare runs/june runs/july', 'shadowdesk compare ci/baseline.json .shadowdesk/runs/latest --tolerance 0.01 --alpha 0.01']);

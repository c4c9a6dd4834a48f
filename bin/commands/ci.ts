import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defineCommand } from 'citty';
import { baselineOf, compareRuns } from '../../eval/compare.ts';
import { ShadowdeskError } from '../../errors.ts';
import { renderComparisonMarkdown, gateCases } from '../../reports/comparison.ts';
import { renderJunit } from '../../reports/junit.ts';
import { EXIT_UNUSABLE, guarded, withExamples } from '../_cli.ts';
import { GATE_ARGS, compareOptionsOf, readRunReport } from './compare.ts';

const command = defineCommand({
  meta: { name: 'ci', description: 'Fail (exit 1) when a run is worse than its pinned baseline beyond its intervals.' },
  args: {
    baseline: { type: 'string', description: 'The pinned baseline report.json', required: true },
    run: { type: 'string', description: 'The run to check (folder with report.json)', default: '.shadowdesk/runs/latest' },
    'update-baseline': { type: 'boolean', description: 'Replace the baseline with this run (on purpose, after reviewing the diff)' },
    ...GATE_ARGS,
  },
  run: ({ args }) =>
    guarded(async () => {
      const current = await readRunReport(args.run, '--run');
      if (args['update-baseline']) {
        await mkdir(dirname(args.baseline), { recursive: true });
        await writeFile(args.baseline, `${JSON.stringify(baselineOf(current))}\n`);
        return void process.stdout.write(`Baseline ${args.baseline} now holds ${args.run}'s metrics and verdicts (no ticket text).\n`);
      }
      if (!existsSync(args.baseline)) {
        throw new ShadowdeskError(
          'SD_INPUT_NOT_FOUND',
          `--baseline ${args.baseline}: no such file; pin a run you have read as the baseline with \`shadowdesk ci --baseline ${args.baseline} --run ${args.run} --update-baseline\`, and commit it`,
        );
      }
      const comparison = compareRuns(await readRunReport(args.baseline, '--baseline'), current, compareOptionsOf(args));
      const markdown = renderComparisonMarkdown(comparison, { baseline: args.baseline, current: args.run });
      process.stdout.write(markdown);
      await writeFile(join(args.run, 'ci-summary.md'), markdown);
      await writeFile(join(args.run, 'ci-junit.xml'), renderJunit(current, gateCases(comparison)));
      // GitHub Actions shows this file on the run's page.
      if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, markdown);
      if (!comparison.passed) process.exitCode = EXIT_UNUSABLE;
    }),
});

export default withExamples(command, [
  'shadowdesk ci --baseline ci/baseline.json --run .shadowdesk/runs/latest',
  'shadowdesk ci --baseline ci/baseline.json --run .shadowdesk/runs/latest --update-baseline     (pin a run you have read)',
  'shadowdesk ci --baseline ci/baseline.json --run runs/pr-42 --tolerance 0.01',
]);

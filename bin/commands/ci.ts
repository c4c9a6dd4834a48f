import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defineCommand } from 'citty';
import { baselineOf, compareRuns, describeRepeats, gateCases, planGate, renderComparisonMarkdown, renderJunit, renderPlanMarkdown, type PlanOptions, type RunReport } from '../../index.ts';
import { ShadowdeskError } from '../../errors.ts';
import { EXIT_UNUSABLE, guarded, maxErrorRateFlag, withExamples } from '../_cli.ts';
import { failPastErrorRate, MAX_ERROR_RATE_ARG } from './_summary.ts';
import { GATE_ARGS, compareOptionsOf, readRunReport, shareOf } from './_gate-flags.ts';

function readBaseline(baseline: string, run: string): Promise<RunReport> {
  if (!existsSync(baseline)) {
    throw new ShadowdeskError(
      'SD_INPUT_NOT_FOUND',
      `--baseline ${baseline}: no such file; pin a run you have read as the baseline with \`shadowdesk ci --baseline ${baseline} --run ${run} --update-baseline\`, and commit it`,
    );
  }
  return readRunReport(baseline, '--baseline');
}

function planOptionsOf(args: { tolerance?: string; alpha?: string; 'plan-drop'?: string; 'plan-churn'?: string }): PlanOptions {
  const drop = args['plan-drop'];
  if (drop !== undefined && !(Number(drop) > 0 && Number(drop) < 100)) throw new ShadowdeskError('SD_INPUT_INVALID', `--plan-drop ${drop}: expected points between 0 and 100, such as 3`);
  return {
    ...compareOptionsOf(args),
    ...(drop !== undefined && { drop: Number(drop) / 100 }),
    ...(args['plan-churn'] !== undefined && { churn: shareOf('--plan-churn', args['plan-churn'], '0.05') }),
  };
}

const command = defineCommand({
  meta: { name: 'ci', description: 'Fail (exit 1) when a run is significantly worse than its pinned baseline, by more than a tolerance.' },
  args: {
    baseline: { type: 'string', description: 'The pinned baseline report.json', required: true },
    run: { type: 'string', description: 'The run to check (folder with report.json)', default: '.shadowdesk/runs/latest' },
    'update-baseline': { type: 'boolean', description: 'Replace the baseline with this run (on purpose, after reviewing the diff)' },
    plan: { type: 'boolean', description: 'Print the smallest drop the gate catches at 80% power on this baseline, instead of gating' },
    'plan-drop': { type: 'string', description: 'With --plan: also the tickets needed to catch this drop, in points (e.g. 3)' },
    'plan-churn': { type: 'string', description: 'With --plan: share of tickets whose outcome changes between two runs of an unchanged candidate (default 0.05)' },
    ...GATE_ARGS,
    'max-error-rate': MAX_ERROR_RATE_ARG,
  },
  run: ({ args }) =>
    guarded(async () => {
      if (args.plan) return void process.stdout.write(renderPlanMarkdown(planGate(await readBaseline(args.baseline, args.run), planOptionsOf(args)), args.baseline));
      const maxErrorRate = maxErrorRateFlag(args['max-error-rate']);
      const current = await readRunReport(args.run, '--run');
      if (args['update-baseline']) {
        await mkdir(dirname(args.baseline), { recursive: true });
        await writeFile(args.baseline, `${JSON.stringify(baselineOf(current))}\n`);
        return void process.stdout.write(`Baseline ${args.baseline} now holds ${args.run}'s metrics and verdicts (no ticket text).\n`);
      }
      const comparison = compareRuns(await readBaseline(args.baseline, args.run), current, compareOptionsOf(args));
      const repeats = describeRepeats(comparison.repeats);
      const markdown = `${renderComparisonMarkdown(comparison, { baseline: args.baseline, current: args.run })}${repeats ? `\n${repeats}\n` : ''}`;
      process.stdout.write(markdown);
      await writeFile(join(args.run, 'ci-summary.md'), markdown);
      await writeFile(join(args.run, 'ci-junit.xml'), renderJunit(current, gateCases(comparison)));
      // GitHub Actions shows this file on the run's page.
      if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, markdown);
      if (!comparison.passed) process.exitCode = EXIT_UNUSABLE;
      failPastErrorRate(current, maxErrorRate);
    }),
});

export default withExamples(command, [
  'shadowdesk ci --baseline ci/baseline.json --run .shadowdesk/runs/latest',
  'shadowdesk ci --baseline ci/baseline.json --run .shadowdesk/runs/latest --update-baseline     (pin a run you have read)',
  'shadowdesk ci --baseline ci/baseline.json --run runs/pr-42 --tolerance 0.01 --alpha 0.01',
  'shadowdesk ci --baseline ci/baseline.json --run runs/pr-42 --max-error-rate 0.02     (also fail when more than 2% of answers failed)',
  'shadowdesk ci --baseline ci/baseline.json --plan --plan-drop 3     (what the gate can catch, and the tickets a 3-point drop needs)',
]);

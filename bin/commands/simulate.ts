import { existsSync } from 'node:fs';
import { defineCommand } from 'citty';
import { ShadowdeskError } from '../../errors.ts';
import { candidatesHelp, configFlagValue, configKeySchema, createCandidates, DEFAULT_SEED, defaultCandidates, describeCoverage, describeRefits, llmJudgeOf, loadSimulationConfig, REPORT_FORMATS, reportFormatsHelp, responderFor, simulate, writeReports, type Selection } from '../../index.ts';
import { guarded, maxErrorRateFlag, positiveInteger, withExamples } from '../_cli.ts';
import { indexProgress, judgeProgress, replayProgress } from './_progress.ts';
import { failPastErrorRate, MAX_ERROR_RATE_ARG, printRunSummary } from './_summary.ts';
import { DECISION_ARGS, decisionSettings, formatsOf } from './_report-flags.ts';

/** Picked up without `--config` when present in the working directory. */
const DEFAULT_CONFIG = 'shadowdesk.yaml';

function shardOf(value: string | undefined): Selection['shard'] {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || index < 1 || index > count) throw new ShadowdeskError('SD_INPUT_INVALID', `--shard ${value}: expected k/n with 1 ≤ k ≤ n, e.g. 2/4`);
  return { index: index - 1, count };
}

/**
 * Flags that stand for a key of shadowdesk.yaml and win over it: each takes the key's help and
 * checks (tests/bin/commands/simulate-flags.test.ts holds them to the config schema).
 */
export const CONFIG_FLAGS = {
  'holdout-days': 'selection.holdoutDays',
  sample: 'selection.sample',
  seed: 'selection.seed',
  concurrency: 'concurrency',
  'refit-every': 'refitEvery',
} as const;

const configFlag = (flag: keyof typeof CONFIG_FLAGS) => ({ type: 'string', description: configKeySchema(CONFIG_FLAGS[flag]).description ?? flag }) as const;
const readConfigFlag = (args: Partial<Record<keyof typeof CONFIG_FLAGS, string>>, flag: keyof typeof CONFIG_FLAGS) => configFlagValue(CONFIG_FLAGS[flag], `--${flag}`, args[flag]);

const command = defineCommand({
  meta: { name: 'simulate', description: 'Replay past tickets against candidate AIs (each seeing only what existed at the ticket date), judge, price and report.' },
  args: {
    ...DECISION_ARGS,
    config: { type: 'string', description: `Candidates, selection and the decision's assumptions in YAML or JSON (default: ./${DEFAULT_CONFIG} when present)` },
    candidates: { type: 'string', description: candidatesHelp() },
    'holdout-days': configFlag('holdout-days'),
    sample: configFlag('sample'),
    seed: configFlag('seed'),
    shard: { type: 'string', description: 'This job’s share, k/n (shards run as separate jobs; `shadowdesk merge` combines them)' },
    run: { type: 'string', description: 'Run folder (results.jsonl; an interrupted run resumes from it; a folder of another run is refused). Default: a folder per run under <workspace>/runs, runs/latest points to the newest' },
    'refit-every': configFlag('refit-every'),
    repeat: { type: 'string', description: 'Tries per ticket of each candidate that consults a model, each a fresh call (no response cache); reports pass^1…pass^k and the flaky tickets. Deterministic candidates answer once (default 1)' },
    'keep-failed': { type: 'boolean', description: 'On a resume, keep the answers that failed (an endpoint error) instead of asking those tickets again' },
    concurrency: configFlag('concurrency'),
    formats: { type: 'string', description: reportFormatsHelp(), default: REPORT_FORMATS.join(',') },
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
    'max-error-rate': MAX_ERROR_RATE_ARG,
  },
  run: ({ args }) =>
    guarded(async () => {
      if (args.config !== undefined && !existsSync(args.config)) {
        throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `--config ${args.config}: no such file; \`shadowdesk init <exports folder>\` writes a commented shadowdesk.yaml (without --config, the built-in candidates answer)`);
      }
      // A mistyped limit fails now, not after the replay.
      const maxErrorRate = maxErrorRateFlag(args['max-error-rate']);
      const settings = await decisionSettings(args);
      const configFile = args.config ?? (args.candidates === undefined && existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
      const config = configFile ? await loadSimulationConfig(configFile) : undefined;
      const candidates = config ? createCandidates(config, args.workspace) : (args.candidates?.split(',') ?? defaultCandidates()).map((name) => responderFor(name.trim()));
      const selection: Selection = { ...config?.selection };
      selection.seed = readConfigFlag(args, 'seed') ?? selection.seed ?? DEFAULT_SEED;
      const holdoutDays = readConfigFlag(args, 'holdout-days');
      const sample = readConfigFlag(args, 'sample');
      const shard = shardOf(args.shard);
      if (holdoutDays) selection.holdoutDays = holdoutDays;
      if (sample) selection.sample = sample;
      if (shard) selection.shard = shard;
      const llmJudge = llmJudgeOf(config, args.workspace);
      const concurrency = readConfigFlag(args, 'concurrency') ?? config?.concurrency;
      const repeat = positiveInteger(args.repeat, '--repeat') ?? 1;
      const refitEvery = readConfigFlag(args, 'refit-every') ?? config?.refitEvery;
      const { replay: summary, report: built } = await simulate({
        workspace: args.workspace,
        ...(args.run !== undefined && { runDir: args.run }),
        candidates,
        selection,
        ...(concurrency !== undefined && { concurrency }),
        ...(args['keep-failed'] && { keepFailed: true }),
        repeat,
        ...(refitEvery !== undefined && { refitEvery }),
        strictness: settings.strictness,
        ...(settings.pricingFile && { pricingFile: settings.pricingFile }),
        costs: settings.costs,
        ...(llmJudge && { llmJudge }),
        ...(config?.rules && { rulesFile: config.rules }),
        onIndexProgress: indexProgress(),
        onReplayProgress: replayProgress(),
        onJudgeProgress: judgeProgress(),
        onCoverage: (coverage) => process.stdout.write(`${describeCoverage(coverage).join('\n')}\n`),
      });
      const report = { ...built, pricing: { ...built.pricing, decisionInputs: settings.apply(built.pricing.decisionInputs) } };
      const earlier = [summary.resumed > 0 && `${summary.resumed} results resumed from an earlier run`, summary.retried > 0 && `${summary.retried} failed answers asked again`].filter(Boolean);
      const tries = summary.repeat > 1 ? ` × up to ${summary.repeat} tries` : '';
      process.stdout.write(`Replayed ${summary.tickets.toLocaleString('en-US')} tickets${tries} in ${summary.seconds.toFixed(1)} s${earlier.length > 0 ? ` (${earlier.join('; ')})` : ''} into ${summary.runDir}.\n`);
      const refits = describeRefits(summary);
      if (refits.length > 0) process.stdout.write(`${refits.join('\n')}\n`);
      printRunSummary(report, await writeReports(report, summary.runDir, formatsOf(args.formats)));
      failPastErrorRate(report, maxErrorRate);
    }),
});

export default withExamples(command, [
  'shadowdesk simulate --config shadowdesk.yaml --holdout-days 30',
  'shadowdesk simulate --candidates past-ticket,knowledge-base --sample 500 --seed 7',
  'shadowdesk simulate --shard 2/4 --run runs/shard-2',
  'shadowdesk simulate --config shadowdesk.yaml --run runs/july --keep-failed',
  'shadowdesk simulate --config shadowdesk.yaml --holdout-days 365 --refit-every 90     (four periods, each answered with a model fitted before its start)',
  'shadowdesk simulate --config shadowdesk.yaml --repeat 5     (each LLM candidate 5 times per ticket: pass^1…pass^5, flaky tickets)',
  'shadowdesk simulate --config shadowdesk.yaml --max-error-rate 5%     (exit 1 when more than 5% of a candidate’s answers failed)',
]);

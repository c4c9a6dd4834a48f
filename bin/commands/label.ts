import { defineCommand } from 'citty';
import { DEFAULT_VERDICT_RULES, exportLabelSample, HUMAN_LABELS, importLabels, kappaReading, VERDICTS, type CandidateCorrection, type CorrectedFigure, type CorrectedRate, type LabelAgreement, type LabelPlan, type Proportion, type VerdictRules } from '../../index.ts';
import { guarded, wholeNumber, withExamples } from '../_cli.ts';

function kappaText(kappa: number | null): string {
  return kappa === null ? 'n/a' : `${kappa.toFixed(2)} (${kappaReading(kappa)})`;
}

function confusionTable(agreement: LabelAgreement): string {
  const width = 20;
  const header = `${'automatic \\ person'.padEnd(width)}${HUMAN_LABELS.map((label) => label.padStart(13)).join('')}`;
  const rows = VERDICTS.map((verdict) => `  ${verdict.padEnd(width)}${HUMAN_LABELS.map((label) => String(agreement.confusion[verdict][label]).padStart(13)).join('')}`);
  return [`  ${header}`, ...rows].join('\n');
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function withInterval(rate: CorrectedRate | Proportion): string {
  const value = 'estimate' in rate ? rate.estimate : rate.value;
  return value === null ? 'n/a' : `${percent(value)} [${percent(rate.low)}–${percent(rate.high)}]`;
}

function correctionLines({ candidate, tickets, labelled, unlabelledVerdicts, automation, accuracy, wrongRate, precision, recall }: CandidateCorrection): string[] {
  const row = (name: string, judge: string, corrected: string): string => `    ${name.padEnd(30)}${judge.padStart(8)}    ${corrected}`;
  const figure = (name: string, { judge, corrected }: CorrectedFigure, note = ''): string => row(name, percent(judge), `${withInterval(corrected)}${corrected.estimate === null ? '' : note}`);
  return [
    `  ${candidate}: ${tickets} tickets, ${labelled} labelled answers`,
    row('', 'judge', 'labels (95 % interval)'),
    row('automation, contained', percent(automation.contained), 'not judged: nothing to correct'),
    figure('automation, verified', automation.verified),
    figure('automation, confirmed', automation.confirmed, ', a lower bound'),
    figure('accuracy (correct / sent)', accuracy),
    figure('wrong answers (of all tickets)', wrongRate),
    `    precision of automated: ${withInterval(precision)} (${precision.successes} of the ${precision.trials} labelled automated answers are correct)`,
    `    recall of automated: ${withInterval(recall)}`,
    ...(unlabelledVerdicts.length > 0 ? [`    no label yet for the verdicts ${unlabelledVerdicts.join(', ')}: the corrected figures stay n/a`] : []),
  ];
}

/** One line per distinct plan, so candidates planned alike share it. */
function planLines(plan: readonly LabelPlan[]): string[] {
  const lines = new Map<string, string[]>();
  for (const { candidate, rate, correlation, measured, needs } of plan) {
    const counts = (pick: (need: LabelPlan['needs'][number]) => number): string => needs.map(pick).join(' / ');
    const basis = measured ? `correlation ${correlation.toFixed(2)} measured on the labels imported` : `correlation ${correlation.toFixed(2)} assumed: no labels imported yet`;
    const text = `${counts((need) => need.labelsAlone)} with labels alone, ${counts((need) => need.withJudge)} with the judge's verdicts (${basis}; rate ${percent(rate)}${rate === 0.5 ? ', the worst case' : ''})`;
    lines.set(text, [...(lines.get(text) ?? []), candidate]);
  }
  const widths = (plan[0]?.needs ?? []).map((need) => `±${Math.round(need.halfWidth * 100)}`).join(' / ');
  return [`Labels per candidate for its automation rate within ${widths} points:`, ...[...lines].map(([text, candidates]) => `  ${candidates.join(', ')}: ${text}`)];
}

function rulesText(rules: VerdictRules): string {
  return (Object.keys(rules) as Array<keyof VerdictRules>).map((key) => `  ${key}: ${DEFAULT_VERDICT_RULES[key]} → ${rules[key]}`).join('\n');
}

const exportCommand = withExamples(
  defineCommand({
    meta: { name: 'export', description: 'Write labels.csv: a stratified sample of the run\'s answers for people to label correct, wrong or needs-human; say how many labels a precision needs.' },
    args: {
      run: { type: 'positional', description: 'The judged run folder (after `shadowdesk report`)', required: true },
      size: { type: 'string', description: 'How many answers to sample', default: '200' },
      seed: { type: 'string', description: 'Seed of the sample draw', default: '42' },
    },
    run: ({ args }) =>
      guarded(async () => {
        const { file, rows, plan } = await exportLabelSample({ runDir: args.run, size: wholeNumber(args.size, '--size'), seed: wholeNumber(args.seed, '--seed') });
        const lines = [
          `${rows} answers to label in ${file}`,
          'Fill the label column with correct (resolves it as the agent did, no false fact), wrong, or needs-human (needed an action or information the candidate lacked),',
          `then run \`shadowdesk label import ${args.run} ${file}\`.`,
          '',
          ...planLines(plan),
          'Choose the sample with --size.',
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
  }),
  ['shadowdesk label export .shadowdesk/runs/latest', 'shadowdesk label export runs/july --size 100 --seed 7'],
);

const importCommand = withExamples(
  defineCommand({
    meta: { name: 'import', description: 'Measure the automatic verdicts against people\'s labels (Cohen\'s κ), correct the headline rates with them and refit the thresholds.' },
    args: {
      run: { type: 'positional', description: 'The run folder the labels were exported from', required: true },
      file: { type: 'positional', description: 'The filled labels CSV', required: true },
    },
    run: ({ args }) =>
      guarded(async () => {
        const agreement = await importLabels({ runDir: args.run, file: args.file });
        const lines = [
          `${agreement.labelled} labelled answers, ${agreement.judgeable} judgeable`,
          `agreement: ${agreement.agreement === null ? 'n/a' : `${(agreement.agreement * 100).toFixed(0)}%`}`,
          `Cohen's κ: ${kappaText(agreement.kappa)}`,
          '',
          confusionTable(agreement),
          '',
        ];
        if (agreement.recalibrated) {
          lines.push(`recalibrated thresholds, κ ${agreement.kappa?.toFixed(2) ?? 'n/a'} → ${kappaText(agreement.recalibrated.kappa)}:`, rulesText(agreement.recalibrated.rules));
          lines.push(`written to ${agreement.written.rules}`);
        } else {
          lines.push(`no recalibration: ${agreement.notRecalibrated}`);
        }
        lines.push('', 'Headline rates corrected by the labels (each verdict\'s labels weighted by its share of the tickets):');
        for (const candidate of agreement.corrected.candidates) lines.push(...correctionLines(candidate));
        lines.push('', `agreement written to ${agreement.written.agreement}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
  }),
  ['shadowdesk label import .shadowdesk/runs/latest .shadowdesk/runs/latest/labels.csv'],
);

const command = defineCommand({
  meta: { name: 'label', description: 'Check the automatic verdicts against people\'s labels: export a sample, import it filled.' },
  subCommands: { export: exportCommand, import: importCommand },
});

export default withExamples(command, ['shadowdesk label export .shadowdesk/runs/latest', 'shadowdesk label import .shadowdesk/runs/latest labels.csv']);

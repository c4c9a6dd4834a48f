import { defineCommand } from 'citty';
import { exportLabelSample, HUMAN_LABELS, importLabels, kappaReading, type LabelAgreement } from '../../eval/labels.ts';
import { VERDICTS } from '../../eval/judges/types.ts';
import { DEFAULT_VERDICT_RULES, type VerdictRules } from '../../eval/judges/verdict.ts';
import { guarded, wholeNumber, withExamples } from '../_cli.ts';

function kappaText(kappa: number | null): string {
  return kappa === null ? 'n/a' : `${kappa.toFixed(2)} (${kappaReading(kappa)})`;
}

function confusionTable(agreement: LabelAgreement): string {
  const width = 20;
  const header = `${'automatic \\ person'.padEnd(width)}${HUMAN_LABELS.map((label) => label.padStart(9)).join('')}`;
  const rows = VERDICTS.map((verdict) => `  ${verdict.padEnd(width)}${HUMAN_LABELS.map((label) => String(agreement.confusion[verdict][label]).padStart(9)).join('')}`);
  return [`  ${header}`, ...rows].join('\n');
}

function rulesText(rules: VerdictRules): string {
  return (Object.keys(rules) as Array<keyof VerdictRules>).map((key) => `  ${key}: ${DEFAULT_VERDICT_RULES[key]} → ${rules[key]}`).join('\n');
}

const exportCommand = withExamples(
  defineCommand({
    meta: { name: 'export', description: 'Write labels.csv: a stratified sample of the run\'s answers for people to label correct, partial or wrong.' },
    args: {
      run: { type: 'positional', description: 'The judged run folder (after `shadowdesk report`)', required: true },
      size: { type: 'string', description: 'How many answers to sample', default: '200' },
      seed: { type: 'string', description: 'Seed of the sample draw', default: '42' },
    },
    run: ({ args }) =>
      guarded(async () => {
        const { file, rows } = await exportLabelSample({ runDir: args.run, size: wholeNumber(args.size, '--size'), seed: wholeNumber(args.seed, '--seed') });
        process.stdout.write(`${rows} answers to label in ${file}\nFill the label column with correct, partial or wrong, then run \`shadowdesk label import ${args.run} ${file}\`.\n`);
      }),
  }),
  ['shadowdesk label export .shadowdesk/runs/latest', 'shadowdesk label export runs/july --size 100 --seed 7'],
);

const importCommand = withExamples(
  defineCommand({
    meta: { name: 'import', description: 'Measure the automatic verdicts against people\'s labels (Cohen\'s κ) and refit their thresholds.' },
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
        lines.push(`agreement written to ${agreement.written.agreement}`);
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

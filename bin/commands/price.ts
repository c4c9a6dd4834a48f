import { defineCommand } from 'citty';
import { PRESETS_FILE } from '../../eval/pricing/load.ts';
import { priceRun } from '../../eval/pricing/price-run.ts';
import { readRunInfo } from '../../eval/replay.ts';
import { ShadowdeskError } from '../../errors.ts';
import { costBasisText, money, percent } from '../../reports/_format.ts';
import { guarded, withExamples } from '../_cli.ts';
import { strictnessOf } from './report.ts';

const command = defineCommand({
  meta: { name: 'price', description: 'Project what each pricing model would have cost for a judged run; no re-simulation.' },
  args: {
    run: { type: 'positional', description: 'A run folder that `shadowdesk report` has judged', required: true },
    pricing: { type: 'string', description: `Pricing file (YAML/JSON; default: the shipped vendor presets, ${PRESETS_FILE}: copy it and put in your prices)` },
    strictness: { type: 'string', description: 'What a billed resolution is: contained, verified or confirmed', default: 'verified' },
    candidate: { type: 'string', description: 'Only this candidate' },
    json: { type: 'boolean', description: 'Print the projection as JSON' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const info = await readRunInfo(args.run);
      const candidates = args.candidate ? [args.candidate] : info.candidates;
      if (args.candidate && !info.candidates.includes(args.candidate)) throw new ShadowdeskError('SD_INPUT_INVALID', `--candidate ${args.candidate}: the run has ${info.candidates.join(', ')}`);
      const pricing = await priceRun({ workspace: info.workspace, runDir: args.run, candidates, strictness: strictnessOf(args.strictness), ...(args.pricing && { pricingFile: args.pricing }) });
      if (args.json) return void process.stdout.write(`${JSON.stringify(pricing, null, 2)}\n`);
      for (const [candidate, projection] of Object.entries(pricing.byCandidate)) {
        process.stdout.write(`\n${candidate}: ${projection.months.length} months (${projection.months[0]} to ${projection.months.at(-1)}), resolutions = ${pricing.strictness}\n`);
        const basis = costBasisText(pricing, candidate);
        if (basis) process.stdout.write(`${basis}\n`);
        process.stdout.write(`${'pricing model'.padEnd(40)}${'total'.padStart(12)}${'all-human'.padStart(12)}${'savings'.padStart(16)}${'per resolution'.padStart(16)}\n`);
        for (const model of [...projection.models].sort((a, b) => a.totals.total - b.totals.total)) {
          const perResolution = model.costPerAutomatedResolution === null ? '–' : model.costPerAutomatedResolution.toFixed(2);
          process.stdout.write(
            `${model.label.slice(0, 39).padEnd(40)}${money(model.totals.total, pricing.currency).padStart(12)}${money(model.allHumanTotals.total, pricing.currency).padStart(12)}${`${money(model.savings, pricing.currency)} ${percent(model.savingsShare)}`.padStart(16)}${perResolution.padStart(16)}\n`,
          );
        }
      }
    }),
});

export default withExamples(command, [
  'shadowdesk price .shadowdesk/runs/latest',
  `shadowdesk price .shadowdesk/runs/latest --pricing my-prices.yaml     (after cp ${PRESETS_FILE} my-prices.yaml, with your prices)`,
  'shadowdesk price runs/july --strictness contained --json',
]);

import { defineCommand } from 'citty';
import { costBasisText, decide, decisionTerminalLines, historyBasisText, money, percent, PRESETS_FILE, priceRun, readRunInfo } from '../../index.ts';
import { ShadowdeskError } from '../../errors.ts';
import { guarded, withExamples } from '../_cli.ts';
import { DECISION_ARGS, decisionSettings } from './_report-flags.ts';

const command = defineCommand({
  meta: { name: 'price', description: 'Project what each pricing model would have cost for a judged run; no re-simulation.' },
  args: {
    run: { type: 'positional', description: 'A run folder that `shadowdesk report` has judged', required: true },
    ...DECISION_ARGS,
    pricing: { type: 'string', description: `Pricing file (YAML/JSON; default: decision.pricing in shadowdesk.yaml, else the shipped presets, ${PRESETS_FILE})` },
    candidate: { type: 'string', description: 'Only this candidate' },
    json: { type: 'boolean', description: 'Print the projection as JSON' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const info = await readRunInfo(args.run);
      const candidates = args.candidate ? [args.candidate] : info.candidates;
      if (args.candidate && !info.candidates.includes(args.candidate)) throw new ShadowdeskError('SD_INPUT_INVALID', `--candidate ${args.candidate}: the run has ${info.candidates.join(', ')}`);
      const settings = await decisionSettings(args);
      const priced = await priceRun({ workspace: info.workspace, runDir: args.run, candidates, strictness: settings.strictness, costs: settings.costs, ...(settings.pricingFile && { pricingFile: settings.pricingFile }) });
      const pricing = { ...priced, decisionInputs: settings.apply(priced.decisionInputs) };
      // The price command has no knowledge gaps: those come with `report`.
      const decision = decide(pricing.decisionInputs, {});
      if (args.json) return void process.stdout.write(`${JSON.stringify({ ...pricing, decision }, null, 2)}\n`);
      process.stdout.write(`\n${decisionTerminalLines(decision).join('\n')}\n`);
      for (const [candidate, projection] of Object.entries(pricing.byCandidate)) {
        process.stdout.write(`\n${candidate}: ${projection.months.length} months (${projection.months[0]} to ${projection.months.at(-1)}), resolutions = ${pricing.strictness}\n`);
        const basis = costBasisText(pricing, candidate);
        if (basis) process.stdout.write(`${basis}\n`);
        process.stdout.write(`Over the history; all-human, the same for every model: ${money(projection.models[0]?.allHumanTotals.total ?? 0, pricing.currency)}. ${historyBasisText(pricing.decisionInputs.pricing)}\n`);
        process.stdout.write(`${'pricing model'.padEnd(40)}${'total'.padStart(14)}${'savings'.padStart(20)}${'per resolution'.padStart(16)}\n`);
        for (const model of [...projection.models].sort((a, b) => a.totals.total - b.totals.total)) {
          const perResolution = model.costPerAutomatedResolution === null ? '–' : money(model.costPerAutomatedResolution, pricing.currency);
          process.stdout.write(
            `${model.label.slice(0, 39).padEnd(40)}${money(model.totals.total, pricing.currency).padStart(14)}${`${money(model.savings, pricing.currency)} ${percent(model.savingsShare)}`.padStart(20)}${perResolution.padStart(16)}\n`,
          );
        }
      }
    }),
});

export default withExamples(command, [
  'shadowdesk price .shadowdesk/runs/latest',
  `shadowdesk price .shadowdesk/runs/latest --pricing my-prices.yaml     (after cp ${PRESETS_FILE} my-prices.yaml, with your prices)`,
  'shadowdesk price .shadowdesk/runs/latest --volume 3000 --human-cost 4.5',
  'shadowdesk price runs/july --strictness contained --json',
]);

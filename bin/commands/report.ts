import { realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineCommand } from 'citty';
import { isShadowdeskError, ShadowdeskError } from '../../errors.ts';
import { buildReport, findChromium, readConfig, REPORT_FORMATS, reportFormatsHelp, VerdictRulesSchema, writeReportPdf, writeReports, type VerdictRules } from '../../index.ts';
import { guarded, wholeNumber, withExamples } from '../_cli.ts';
import { DECISION_ARGS, decisionSettings, formatsOf } from './_report-flags.ts';
import { judgeProgress } from './_progress.ts';
import { printRunSummary } from './_summary.ts';

/** Verdict thresholds from `label import`; a missing file says where they come from. */
async function readRules(file: string): Promise<VerdictRules> {
  try {
    return await readConfig(file, VerdictRulesSchema, { what: 'verdict rules' });
  } catch (error) {
    if (!isShadowdeskError(error) || error.code !== 'SD_INPUT_NOT_FOUND') throw error;
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `--rules: ${error.message}; \`shadowdesk label import RUN labels.csv\` writes verdict-rules.json into the run folder`, { cause: error });
  }
}

const command = defineCommand({
  meta: { name: 'report', description: `Judge a replayed run and write its reports: ${REPORT_FORMATS.join(', ')}.` },
  args: {
    run: { type: 'positional', description: 'The run folder (from `shadowdesk simulate`)', required: true },
    ...DECISION_ARGS,
    formats: { type: 'string', description: reportFormatsHelp(), default: REPORT_FORMATS.join(',') },
    seed: { type: 'string', description: 'Seed of the bootstrap intervals', default: '42' },
    rules: { type: 'string', description: 'Verdict thresholds refitted on people’s labels (verdict-rules.json from `label import`)' },
    workspace: { type: 'string', description: 'Workspace folder (default: the one the run used)' },
    pdf: { type: 'boolean', description: 'Also print the report to report.pdf in the run folder, with the Chromium or Chrome on this machine (SHADOWDESK_CHROMIUM names one)' },
    'pdf-file': { type: 'string', description: 'Where --pdf writes the PDF (implies --pdf)' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const pdf = args.pdf || args['pdf-file'] !== undefined;
      // No browser is said in a second, not after the judging.
      const chromium = pdf ? findChromium() : undefined;
      const settings = await decisionSettings(args);
      const built = await buildReport({
        runDir: args.run,
        strictness: settings.strictness,
        seed: wholeNumber(args.seed, '--seed'),
        ...(settings.pricingFile && { pricingFile: settings.pricingFile }),
        costs: settings.costs,
        ...(args.workspace && { workspace: args.workspace }),
        ...(args.rules && { rules: await readRules(args.rules) }),
        onJudgeProgress: judgeProgress(),
      });
      const report = { ...built, pricing: { ...built.pricing, decisionInputs: settings.apply(built.pricing.decisionInputs) } };
      const written = await writeReports(report, args.run, formatsOf(args.formats));
      printRunSummary(report, written);
      if (chromium) {
        const file = args['pdf-file'] ?? join(args.run, 'report.pdf');
        // The run's own folder name (runs/latest is a link to it) tells printed copies apart.
        await writeReportPdf(report, file, { chromium, title: `shadowdesk report · run ${basename(realpathSync(args.run))}` });
        process.stdout.write(`Printed to PDF: ${file}\n`);
      }
    }),
});

export default withExamples(command, [
  'shadowdesk report .shadowdesk/runs/latest',
  'shadowdesk report runs/july --pricing my-prices.yaml --strictness confirmed',
  'shadowdesk report .shadowdesk/runs/latest --pdf-file decision.pdf     (needs Chromium or Chrome on this machine)',
  'shadowdesk report .shadowdesk/runs/latest --volume 3000 --human-cost 4.5 --growth 2%',
]);

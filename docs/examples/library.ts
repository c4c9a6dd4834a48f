// The same run as `shadowdesk demo`, from code: import, simulate, write the reports.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_DATA_DIR, importSources, responderFor, simulate, writeReports } from 'shadowdesk';

const workspace = await mkdtemp(join(tmpdir(), 'shadowdesk-example-'));
await importSources([{ path: DEMO_DATA_DIR }], { workspace });
const { report } = await simulate({
  workspace,
  runDir: join(workspace, 'runs', 'example'),
  candidates: ['past-ticket', 'knowledge-base'].map(responderFor),
  selection: { holdoutDays: 30 },
});
const files = await writeReports(report, join(workspace, 'runs', 'example'), ['json', 'markdown']);
for (const candidate of report.metrics.candidates) {
  console.log(`${candidate.candidate}: ${candidate.automation.verified.numerator} of ${candidate.tickets} tickets automated`);
}
console.log(`summary: ${files.markdown}`);

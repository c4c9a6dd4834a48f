import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../eval/metrics/run-report.ts';
import { runCli } from '../../helpers/cli.ts';
import { handReport, handTickets, withWrongShare, type HandTicket } from '../../helpers/paired-runs.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();

async function writeRun(dir: string, name: string, report: RunReport): Promise<string> {
  const runDir = join(dir, name);
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, 'report.json'), JSON.stringify(report));
  return runDir;
}

/** Correct answers in one language turned wrong: a drop a prompt change in that language could cause. */
function dropIn(tickets: readonly HandTicket[], language: 'fr' | 'en', count: number): HandTicket[] {
  const ids = new Set(tickets.filter((ticket) => ticket.language === language && ticket.verdict === 'correct').slice(0, count).map((ticket) => ticket.ticketId));
  return tickets.map((ticket) => (ids.has(ticket.ticketId) ? { ...ticket, verdict: 'wrong' } : ticket));
}

describe('shadowdesk ci', () => {
  it.each(['fr', 'en'] as const)(
    'passes a rerun with the same error rate on other tickets, fails a 6-point drop on %s tickets in words, refuses runs over other tickets, and plans',
    async (language) => {
      const dir = await tempDir();
      const truth = handTickets(300, 0.8, 21);
      const baseline = join(dir, 'baseline.json');
      const pinned = await runCli(['ci', '--baseline', baseline, '--run', await writeRun(dir, 'pinned', handReport(withWrongShare(truth, 0.05, 1))), '--update-baseline']);
      expect(pinned.code).toBe(0);
      const ci = async (name: string, tickets: readonly HandTicket[]) => runCli(['ci', '--baseline', baseline, '--run', await writeRun(dir, name, handReport(tickets))], { env: { GITHUB_STEP_SUMMARY: '' } });

      const rerun = await ci('rerun', withWrongShare(truth, 0.05, 2));
      expect(rerun.stdout).toContain('# shadowdesk: no regression');
      expect(rerun.stdout).toMatch(/bot: \d+ correct answers lost, \d+ gained, net -?\d+/);
      expect(rerun.code).toBe(0);

      const worse = await ci('worse', dropIn(withWrongShare(truth, 0.05, 1), language, 18));
      expect(worse.code).toBe(1);
      expect(worse.stdout).toMatch(/❌ bot: accuracy −6\.\d points, 95 % CI −\d+\.\d to −\d+\.\d, p < 0\.001 \(< 0\.001 over all checks\)\n/);
      expect(worse.stdout).toContain('## Tickets whose verdict changed (18)');
      expect(await readFile(join(dir, 'worse', 'ci-junit.xml'), 'utf8')).toMatch(/<testsuite name="shadowdesk.gate" tests="3" failures="3"/);

      const other = await ci('other', handTickets(300, 0.8, 22).map((ticket) => ({ ...ticket, ticketId: `other-${ticket.ticketId}` })));
      expect(other.code).toBe(2);
      expect(other.stderr).toContain('bot: only 0 tickets are in both runs (baseline 300, this run 300); fewer than half in common');

      const plan = await runCli(['ci', '--baseline', baseline, '--plan', '--plan-drop', '6', '--plan-churn', '0.1']);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/\| bot \| accuracy \| 300 \| \d+\.\d% \| \d+\.\d points \| \d+ \|/);
    },
    60_000,
  );
});

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { RECORD_FILES, currentImportDir, readJsonlLines } from '../../../pipelines/workspace.ts';
import { runCli } from '../../helpers/cli.ts';
import type { FakeApi } from '../../helpers/fake-api.ts';
import { ZENDESK_EMAIL, ZENDESK_TOKEN } from '../../helpers/zendesk-fake.ts';
import type { RunReport } from '../../../eval/metrics/run-report.ts';

/**
 * `shadowdesk pull` as a user runs it, against fake Zendesk and Gorgias accounts on 127.0.0.1,
 * then `shadowdesk simulate` with the built-in candidates on the pulled workspace: the pages
 * become tickets joined with their comments or messages, and the report is computed over the
 * tickets that can be judged. Shared by cli.test.ts and the 2,000-ticket accounts, one file each
 * (cli-zendesk.test.ts, cli-gorgias.test.ts) so they run side by side.
 */

/** The fake APIs a test started, closed after it. */
export function useFakes(): FakeApi[] {
  const fakes: FakeApi[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });
  return fakes;
}

export const envFor = (api: FakeApi, token = ZENDESK_TOKEN) => ({ ZENDESK_SUBDOMAIN: api.url, ZENDESK_EMAIL, ZENDESK_API_TOKEN: token });

export async function workspaceTickets(workspace: string): Promise<Array<{ id: string; messages: Array<{ role: string; text: string }> }>> {
  const dir = await currentImportDir(workspace);
  const tickets: Array<{ id: string; messages: Array<{ role: string; text: string }> }> = [];
  if (!dir) return tickets;
  for await (const line of readJsonlLines(join(dir, RECORD_FILES.ticket))) tickets.push(JSON.parse(line) as { id: string; messages: Array<{ role: string; text: string }> });
  return tickets;
}

/** Every file under `dir`, its text. */
export async function allText(dir: string): Promise<string[]> {
  const texts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).isFile()) texts.push(await readFile(path, 'utf8'));
  }
  return texts;
}

/**
 * Tickets `simulate` replays after a pull: enough for every candidate's share to be checked
 * against the judgeable tickets (the pull itself is what the 2,000 tickets are for).
 */
export const REPORT_SAMPLE = 50;

/**
 * `simulate` with the built-in candidates on a sample of the pulled workspace: it says how many
 * of the replayed tickets can be judged, writes report.json, and every candidate's automation is
 * a share of exactly those tickets.
 */
export async function expectReport(workspace: string, sample: number): Promise<void> {
  // The last half year: the year and a half before it teaches the built-in model (fitted on the past only).
  const run = await runCli(['simulate', '--workspace', workspace, '--holdout-days', '180', '--sample', String(sample), '--formats', 'json']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain(`${sample} of ${sample} tickets can be judged`);
  const report = JSON.parse(await readFile(join(workspace, 'runs', 'latest', 'report.json'), 'utf8')) as RunReport;
  expect(report.metrics.candidates.map((candidate) => candidate.candidate).sort()).toEqual(['composite', 'knowledge-base', 'macro', 'past-ticket']);
  for (const candidate of report.metrics.candidates) {
    expect(candidate.tickets, candidate.candidate).toBe(sample);
    expect(candidate.automation.verified.denominator, candidate.candidate).toBe(sample);
  }
}

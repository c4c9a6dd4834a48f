import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../../eval/replay.ts';
import { responderFor } from '../../../eval/responders/index.ts';
import { CHROMIUM_PATHS } from '../../../reports/pdf.ts';
import { runCli } from '../../helpers/cli.ts';
import { buildReplayWorkspace } from '../../helpers/replay-workspace.ts';

const hasChromium = CHROMIUM_PATHS.some((path) => existsSync(path));

/** `shadowdesk report --pdf` as a user runs it, on a replayed 24-ticket run. */
describe('shadowdesk report --pdf', () => {
  let dir: string;
  let runDir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-report-pdf-'));
    const workspace = await buildReplayWorkspace(dir);
    runDir = join(dir, 'run-0123abcd');
    await replay({ workspace, runDir, candidates: [responderFor('past-ticket')] });
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.skipIf(!hasChromium)('prints report.pdf into the run folder with the Chromium on this machine, titled with the run', async () => {
    const run = await runCli(['report', runDir, '--formats', 'json', '--pdf']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Printed to PDF: ${join(runDir, 'report.pdf')}`);
    const pdf = (await readFile(join(runDir, 'report.pdf'))).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(Number(/\/Count (\d+)/.exec(pdf)?.[1])).toBeGreaterThanOrEqual(1);
    // The title is UTF-16 in the PDF's metadata (it holds a "·"): the run folder's name, hex-encoded.
    expect(pdf).toContain(Buffer.from('run run-0123abcd', 'utf16le').swap16().toString('hex').toUpperCase());
  }, 180_000);

  it('says where a browser is missing, without a stack, before judging anything', async () => {
    await rm(join(runDir, 'report.json'), { force: true });
    const run = await runCli(['report', runDir, '--formats', 'json', '--pdf-file', join(dir, 'out.pdf')], { env: { SHADOWDESK_CHROMIUM: join(dir, 'no-chrome') } });
    expect(run).toMatchObject({ code: 2, stderr: `shadowdesk: SHADOWDESK_CHROMIUM=${join(dir, 'no-chrome')}: no such file; name a Chromium or Chrome executable\n` });
    expect(existsSync(join(runDir, 'report.json'))).toBe(false);
    expect(existsSync(join(dir, 'out.pdf'))).toBe(false);
  }, 120_000);
});

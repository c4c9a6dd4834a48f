import { decisionSettings } from '../../../bin/commands/_report-flags.ts';
import { ShadowdeskError } from '../../../errors.ts';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../../eval/replay/replay.ts';
import { responderFor } from '../../../eval/responders/index.ts';
import { CHROMIUM_PATHS } from '../../../reports/pdf.ts';
import { runCli } from '../../helpers/cli.ts';
import { buildReplayWorkspace } from '../../helpers/replay-workspace.ts';
import { makeReport } from '../../reports/_report-factory.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

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

const CONFIG = `candidates:
  - type: past-ticket
decision:
  monthlyTickets: 3000
  humanCostPerTicket: 4.5
  growth: 0.01
  strictness: confirmed
  pricing: prices/mine.yaml
`;

describe('decisionSettings', () => {
  const tempDir = useTempDir();

  it('takes the assumptions from shadowdesk.yaml, a flag winning over the file, and says where each came from', async () => {
    const dir = await tempDir();
    const config = await writeTemp(dir, 'shadowdesk.yaml', CONFIG);
    const settings = await decisionSettings({ config, volume: '12000', growth: '2%' });
    expect(settings.strictness).toBe('confirmed');
    expect(settings.pricingFile).toBe(join(dir, 'prices/mine.yaml'));
    const { pricing } = await makeReport({ tickets: 30, candidates: 1 });
    const inputs = settings.apply(pricing.decisionInputs);
    expect(inputs.assumptions).toEqual({ monthlyTickets: 12000, humanCostPerTicket: 4.5, growth: 0.02, strictness: 'confirmed', threshold: 0 });
    expect(inputs.origins).toMatchObject({ monthlyTickets: '--volume', growth: '--growth', humanCostPerTicket: `${config} decision section`, threshold: 'the run as sent' });
  });

  it.each([
    [{ volume: '0' }, /--volume 0: expected a number of tickets above 0/],
    [{ volume: 'beaucoup' }, /--volume beaucoup/],
    [{ 'human-cost': '-1' }, /--human-cost -1: expected an amount ≥ 0/],
    [{ growth: '-100%' }, /--growth -100%: expected a monthly share above -100%/],
    [{ threshold: '1.5' }, /--threshold 1.5: expected a confidence from 0 to 1/],
    [{ strictness: 'lenient' }, /--strictness lenient: expected one of contained, verified, confirmed/],
    [{ config: 'missing.yaml' }, /--config missing.yaml: no such file/],
  ])('rejects %o with the flag named', async (flags, message) => {
    const error = await decisionSettings(flags).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShadowdeskError);
    expect((error as Error).message).toMatch(message);
  });

  it('points at the config line of a decision value that makes no sense', async () => {
    const config = await writeTemp(await tempDir(), 'shadowdesk.yaml', 'candidates:\n  - type: macro\ndecision:\n  threshold: 2\n');
    await expect(decisionSettings({ config })).rejects.toThrow(/shadowdesk\.yaml:4.*decision\.threshold/);
  });
});

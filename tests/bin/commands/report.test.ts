import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionSettings } from '../../../bin/commands/report.ts';
import { ShadowdeskError } from '../../../errors.ts';
import { makeReport } from '../../reports/_report-factory.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

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

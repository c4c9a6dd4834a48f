import { describe, expect, it } from 'vitest';
import { loadPricing } from '../../../eval/pricing/load.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

const VALID_HEAD = `currency: USD
human: { perTicket: 5 }
models:
  - id: fin
    label: Fin
    source: https://example.com/fin
    read: 2026-11-24
`;

describe('loadPricing', () => {
  it('validates the shipped presets, each with a source and the date it was read', async () => {
    const pricing = await loadPricing();
    expect(pricing.currency).toBe('USD');
    expect(pricing.models.length).toBeGreaterThanOrEqual(8);
    for (const model of pricing.models) expect(model.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const pro = pricing.models.find((model) => model.id === 'gorgias-pro-ai-agent');
    expect(pro?.helpdesk).toEqual({ monthlyFee: 360, includedTickets: 2000, overagePerTicket: 0.36 });
    expect(pro?.ai).toMatchObject({ type: 'per-resolution', price: 0.9 });
    expect(pricing.models.find((model) => model.id === 'intercom-fin-standalone')?.ai).toEqual({ type: 'per-resolution', price: 0.99, includedPerMonth: 50, monthlyFee: 49 });
    expect(pricing.models.find((model) => model.id === 'gorgias-pro-legacy-addon')).toMatchObject({ ai: { type: 'addon-share', share: 0.5 }, aiCountsAsBillableTicket: false });
  });

  it('names the file, line and key of a bad price', async () => {
    const file = await writeTemp(await tempDir(), 'pricing.yaml', `${VALID_HEAD}    ai: { type: per-resolution, price: -1 }\n`);
    await expect(loadPricing(file)).rejects.toThrow(`${file}:8: models[0].ai.price:`);
  });

  it('reports a typo’d key on its own line instead of ignoring it', async () => {
    const file = await writeTemp(await tempDir(), 'pricing.yaml', `${VALID_HEAD}    ai:\n      type: per-resolution\n      price: 0.99\n      includedPerMont: 50\n`);
    await expect(loadPricing(file)).rejects.toThrow(`${file}:11: models[0].ai.includedPerMont: unknown key`);
  });

  it('rejects human costs given both ways', async () => {
    const file = await writeTemp(await tempDir(), 'pricing.yaml', VALID_HEAD.replace('{ perTicket: 5 }', '{ perTicket: 5, minutesPerTicket: 8, hourlyRate: 30 }'));
    await expect(loadPricing(file)).rejects.toThrow(`${file}:2: human.perTicket: give either perTicket`);
  });

  it('requires a helpdesk plan for an add-on priced as a share of it', async () => {
    const file = await writeTemp(await tempDir(), 'pricing.yaml', `${VALID_HEAD}    ai: { type: addon-share, share: 0.5 }\n`);
    await expect(loadPricing(file)).rejects.toThrow(`${file}:8: models[0].ai.share: addon-share is a share of the helpdesk bill`);
  });
});

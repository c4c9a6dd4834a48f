import { describe, expect, it } from 'vitest';
import { ShadowdeskError } from '../../../errors.ts';
import { projectCosts, type MonthVolume } from '../../../eval/pricing/project.ts';
import { PricingSchema, type Pricing } from '../../../eval/pricing/schema.ts';

const SOURCE = { source: 'https://example.com/pricing', read: '2026-11-24' };

/** Goes through the schema so defaults (includedPerMonth, aiFirstShare, ...) apply as in a real file. */
function pricing(models: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): Pricing {
  return PricingSchema.parse({ currency: 'USD', human: { perTicket: 0 }, ...extra, models: models.map((model) => ({ label: String(model.id), ...SOURCE, ...model })) });
}

function month(name: string, counts: Partial<Omit<MonthVolume, 'month'>>): MonthVolume {
  return { month: name, tickets: 0, humanBillable: 0, aiTouched: 0, aiReplies: 0, aiSessions: 0, automatedResolutions: 0, humanHandled: 0, humanAfterAi: 0, ruleBillable: 0, ...counts };
}

const PRO = { monthlyFee: 360, includedTickets: 2000, overagePerTicket: 0.36 };

function only(projection: ReturnType<typeof projectCosts>, id: string) {
  const model = projection.models.find((candidate) => candidate.id === id);
  if (!model) throw new Error(`no model ${id}`);
  return model;
}

describe('helpdesk overage', () => {
  it('charges nothing over the fee under and exactly at the included tickets, and overage above', () => {
    const result = projectCosts(
      [month('2026-01', { humanBillable: 1500 }), month('2026-02', { humanBillable: 2000 }), month('2026-03', { humanBillable: 2500 })],
      pricing([{ id: 'pro', helpdesk: PRO }]),
    );
    expect(only(result, 'pro').months.map((cost) => cost.helpdesk)).toEqual([
      360, // 1500 ≤ 2000 included → fee only
      360, // 2000 = 2000 included → fee only
      540, // 360 + (2500 − 2000) × 0.36 = 360 + 180
    ]);
  });

  it('bills each month on its own, so a quiet month does not absorb a busy month’s overage', () => {
    const result = projectCosts([month('2026-01', { humanBillable: 1500 }), month('2026-02', { humanBillable: 2500 })], pricing([{ id: 'pro', helpdesk: PRO }]));
    // 360 (January, under quota) + 540 (February: 360 + 500 × 0.36) = 900; pooled 4000 ≤ 2 × 2000 would be 720.
    expect(only(result, 'pro').totals.helpdesk).toBe(900);
  });

  it('bills the tickets helpdesk rules make billable, with the AI and without it, and no human time for them', () => {
    const human = { perTicket: 4 };
    const result = projectCosts([month('2026-01', { humanBillable: 1900, humanHandled: 1900, ruleBillable: 300 })], pricing([{ id: 'pro', helpdesk: PRO }], { human, currentHelpdesk: PRO }));
    const pro = only(result, 'pro');
    // 1900 + 300 = 2200 billable → 360 + 200 × 0.36 = 432, on both sides (today's helpdesk is the same plan); humans handle the 1900 only.
    expect(pro.months[0]).toMatchObject({ billableTickets: 2200, helpdesk: 432, human: 7600 });
    expect(pro.allHumanMonths[0]).toMatchObject({ billableTickets: 2200, helpdesk: 432, human: 7600 });
  });

  it('orders months by date before compounding growth', () => {
    const result = projectCosts([month('2026-02', { humanBillable: 2000 }), month('2026-01', { humanBillable: 1000 })], pricing([{ id: 'pro', helpdesk: PRO }], { growth: 1 }));
    expect(result.months).toEqual(['2026-01', '2026-02']);
    // February is the second month: 2000 × 2 = 4000 billable → 360 + 2000 × 0.36 = 1080.
    expect(only(result, 'pro').months[1]!.helpdesk).toBe(1080);
  });
});

describe('AI plans', () => {
  it('buys Freddy-style sessions in whole packs each month', () => {
    const result = projectCosts(
      [month('2026-01', { aiSessions: 0 }), month('2026-02', { aiSessions: 100 }), month('2026-03', { aiSessions: 101 })],
      pricing([{ id: 'freddy', ai: { type: 'per-session', price: 0.49, packSize: 100 } }]),
    );
    expect(only(result, 'freddy').months.map((cost) => cost.ai)).toEqual([
      0, // no sessions → no pack
      49, // 100 sessions → 1 pack × 100 × 0.49
      98, // 101 sessions → 2 packs × 100 × 0.49
    ]);
  });

  it('charges unpacked sessions one by one', () => {
    const result = projectCosts([month('2026-01', { aiSessions: 101 })], pricing([{ id: 'sessions', ai: { type: 'per-session', price: 0.49 } }]));
    expect(only(result, 'sessions').totals.ai).toBe(49.49); // 101 × 0.49
  });

  it('charges a flat plan its fee up to the quota and overage per unit above it', () => {
    const models = [
      { id: 'flat-res', ai: { type: 'flat', monthlyFee: 300, included: 500, unit: 'resolution', overage: 0.5 } },
      { id: 'flat-int', ai: { type: 'flat', monthlyFee: 100, included: 1000, unit: 'interaction', overage: 0.1 } },
    ];
    const result = projectCosts(
      [month('2026-01', { automatedResolutions: 400, aiReplies: 900 }), month('2026-02', { automatedResolutions: 600, aiReplies: 1200 })],
      pricing(models),
    );
    expect(only(result, 'flat-res').months.map((cost) => cost.ai)).toEqual([
      300, // 400 ≤ 500 resolutions → fee only
      350, // 300 + (600 − 500) × 0.5
    ]);
    expect(only(result, 'flat-int').months.map((cost) => cost.ai)).toEqual([
      100, // 900 ≤ 1000 replies → fee only
      120, // 100 + (1200 − 1000) × 0.1
    ]);
  });

  it('charges the legacy add-on a share of the helpdesk bill including overage', () => {
    const result = projectCosts([month('2026-01', { humanBillable: 2500 })], pricing([{ id: 'addon', helpdesk: PRO, ai: { type: 'addon-share', share: 0.5 } }]));
    const cost = only(result, 'addon').months[0]!;
    expect(cost.helpdesk).toBe(540); // 360 + 500 × 0.36
    expect(cost.ai).toBe(270); // 0.5 × 540
  });

  it('charges per resolution after the included quota, plus the monthly fee', () => {
    const result = projectCosts(
      [month('2026-01', { automatedResolutions: 30 }), month('2026-02', { automatedResolutions: 50 }), month('2026-03', { automatedResolutions: 150 })],
      pricing([{ id: 'fin', ai: { type: 'per-resolution', price: 0.99, includedPerMonth: 50, monthlyFee: 49 } }]),
    );
    const fin = only(result, 'fin');
    expect(fin.months.map((cost) => cost.ai)).toEqual([
      49, // 30 ≤ 50 included → fee only (unused 20 do not roll over)
      49, // 50 = 50 included → fee only
      148, // 49 + (150 − 50) × 0.99 = 49 + 99
    ]);
    expect(fin.totals.ai).toBe(246); // 49 + 49 + 148
    expect(fin.costPerAutomatedResolution).toBe(1.07); // 246 / (30 + 50 + 150) = 246 / 230 = 1.0696 → 1.07
  });

  it('charges per touched ticket up to the monthly cap and per reply after the included replies', () => {
    const result = projectCosts(
      [month('2026-01', { aiTouched: 500, aiReplies: 1500 }), month('2026-02', { aiTouched: 1000, aiReplies: 800 })],
      pricing([
        { id: 'eesel', ai: { type: 'per-ticket', price: 0.4, monthlyCap: 250 } },
        { id: 'replies', ai: { type: 'per-interaction', price: 0.2, includedPerMonth: 1000, monthlyFee: 10 } },
      ]),
    );
    expect(only(result, 'eesel').months.map((cost) => cost.ai)).toEqual([
      200, // 500 × 0.40 under the $250 cap
      250, // 1000 × 0.40 = 400, capped at 250
    ]);
    expect(only(result, 'replies').months.map((cost) => cost.ai)).toEqual([
      110, // 10 + (1500 − 1000) × 0.2
      10, // 800 ≤ 1000 included → fee only
    ]);
  });
});

describe('billable tickets', () => {
  it('keeps automated tickets billable by default and drops them in legacy mode, never below zero', () => {
    const volumes = [month('2026-01', { humanBillable: 2500, automatedResolutions: 300 }), month('2026-02', { humanBillable: 100, automatedResolutions: 300 })];
    const result = projectCosts(volumes, pricing([{ id: 'current', helpdesk: PRO }, { id: 'legacy', helpdesk: PRO, aiCountsAsBillableTicket: false }]));
    expect(only(result, 'current').months.map((cost) => [cost.billableTickets, cost.helpdesk])).toEqual([
      [2500, 540], // 360 + (2500 − 2000) × 0.36
      [100, 360],
    ]);
    expect(only(result, 'legacy').months.map((cost) => [cost.billableTickets, cost.helpdesk])).toEqual([
      [2200, 432], // 2500 − 300 = 2200 → 360 + 200 × 0.36 = 360 + 72
      [0, 360], // 100 − 300 clamps to 0 → fee only
    ]);
  });
});

describe('growth', () => {
  it('compounds every volume month by month from the first month', () => {
    const volumes = ['2026-01', '2026-02', '2026-03'].map((name) => month(name, { tickets: 2000, humanBillable: 2000, automatedResolutions: 100 }));
    const result = projectCosts(volumes, pricing([{ id: 'pro', helpdesk: PRO, ai: { type: 'per-resolution', price: 0.9 } }], { growth: 0.1 }));
    const pro = only(result, 'pro');
    expect(pro.months.map((cost) => cost.helpdesk)).toEqual([
      360, // 2000 × 1.1⁰ = 2000 → fee only
      432, // 2000 × 1.1 = 2200 → 360 + 200 × 0.36
      511.2, // 2000 × 1.21 = 2420 → 360 + 420 × 0.36 = 360 + 151.2
    ]);
    expect(pro.months.map((cost) => cost.ai)).toEqual([
      90, // 100 × 0.9
      99, // 110 × 0.9
      108.9, // 121 × 0.9
    ]);
    expect(pro.totals.total).toBe(1601.1); // 360 + 432 + 511.2 + 90 + 99 + 108.9
  });

  it('rounds grown session counts up to whole packs without float noise adding a pack', () => {
    const result = projectCosts(
      [month('2026-01', { aiSessions: 100 }), month('2026-02', { aiSessions: 100 })],
      pricing([{ id: 'freddy', ai: { type: 'per-session', price: 0.49, packSize: 100 } }], { growth: 0.5 }),
    );
    // January 100 → 1 pack = 49; February 100 × 1.5 = 150 → 2 packs = 98.
    expect(only(result, 'freddy').months.map((cost) => cost.ai)).toEqual([49, 98]);
  });

  it('does not buy an extra pack when growth lands exactly on a pack boundary', () => {
    const result = projectCosts(
      [month('2026-01', { aiSessions: 100 }), month('2026-02', { aiSessions: 100 })],
      pricing([{ id: 'packs-of-110', ai: { type: 'per-session', price: 0.5, packSize: 110 } }], { growth: 0.1 }),
    );
    // February: 100 × 1.1 = 110 sessions (110.00000000000001 in floating point) → 1 pack × 110 × 0.5 = 55, not 110.
    expect(only(result, 'packs-of-110').months.map((cost) => cost.ai)).toEqual([55, 55]);
  });
});

describe('human cost and totals', () => {
  it('charges handed-over tickets at aiFirstShare and compares against the all-human baseline', () => {
    // 8 minutes at $30/hour = $4 per ticket.
    const human = { minutesPerTicket: 8, hourlyRate: 30, aiFirstShare: 0.6 };
    const result = projectCosts([month('2026-01', { tickets: 200, humanBillable: 150, humanHandled: 100, humanAfterAi: 40 })], pricing([{ id: 'ai-only' }], { human }));
    const model = only(result, 'ai-only');
    expect(model.totals.human).toBe(336); // (100 − 40) × 4 + 40 × 4 × 0.6 = 240 + 96
    expect(model.allHumanTotals.human).toBe(600); // 150 × 4
    expect(model.savings).toBe(264); // 600 − 336
    expect(model.savingsShare).toBeCloseTo(0.44, 10); // 264 / 600
    expect(model.costPerTicket).toBe(1.68); // 336 / 200
    expect(model.costPerAutomatedResolution).toBeNull(); // no automated resolutions
  });

  it('gives per-model unit costs and savings against one all-human baseline, without today’s helpdesk when none is given', () => {
    const volumes = [month('2026-01', { tickets: 1000, humanBillable: 1000, automatedResolutions: 200, humanHandled: 800 })];
    const result = projectCosts(volumes, pricing([{ id: 'pro-ai', helpdesk: PRO, ai: { type: 'per-resolution', price: 0.9 } }], { human: { perTicket: 5 } }));
    const model = only(result, 'pro-ai');
    expect(model.totals).toEqual({ helpdesk: 360, ai: 180, human: 4000, total: 4540 }); // 360; 200 × 0.9; 800 × 5
    expect(model.allHumanTotals.total).toBe(5000); // 1000 × 5: no helpdesk paid today was given
    expect(model.costPerAutomatedResolution).toBe(0.9); // 180 / 200
    expect(model.costPerTicket).toBe(4.54); // 4540 / 1000
    expect(model.savings).toBe(460); // 5000 − 4540
    expect(model.savingsShare).toBeCloseTo(0.092, 3); // 460 / 5000
  });

  it('compares a helpdesk bundle and an AI-only plan with the same baseline, the AI-only plan keeping today’s helpdesk', () => {
    const volumes = [month('2026-01', { tickets: 1000, humanBillable: 1000, automatedResolutions: 200, humanHandled: 800 })];
    const today = { monthlyFee: 100, includedTickets: 0, overagePerTicket: 0.1 };
    const result = projectCosts(
      volumes,
      pricing([{ id: 'pro-ai', helpdesk: PRO, ai: { type: 'per-resolution', price: 0.9 } }, { id: 'ai-only', ai: { type: 'per-resolution', price: 1 } }], { human: { perTicket: 5 }, currentHelpdesk: today }),
    );
    const [bundle, aiOnly] = [only(result, 'pro-ai'), only(result, 'ai-only')];
    // Baseline: today's helpdesk 100 + 1000 × 0.1 = 200, plus 1000 × 5 = 5200, for both.
    expect(bundle.allHumanTotals.total).toBe(5200);
    expect(aiOnly.allHumanTotals.total).toBe(5200);
    expect(bundle.allHumanMonths).toEqual(aiOnly.allHumanMonths);
    // The AI-only plan keeps today's helpdesk (200), pays 200 × 1 for the AI and 800 × 5 for people.
    expect(aiOnly.totals).toEqual({ helpdesk: 200, ai: 200, human: 4000, total: 4400 });
    expect(aiOnly.savings).toBe(800);
    expect(bundle.savings).toBe(660); // 5200 − 4540
  });
});

describe('crossovers', () => {
  it('finds where a flat plan overtakes a per-resolution plan', () => {
    // Average month: 1000 tickets, 300 resolutions (0.3 per ticket).
    const volumes = [month('2026-01', { tickets: 800, automatedResolutions: 240 }), month('2026-02', { tickets: 1200, automatedResolutions: 360 })];
    const result = projectCosts(
      volumes,
      pricing([
        { id: 'flat', ai: { type: 'flat', monthlyFee: 300, included: 500, unit: 'resolution', overage: 0.5 } },
        { id: 'per-res', ai: { type: 'per-resolution', price: 0.9 } },
        { id: 'pricier', ai: { type: 'per-resolution', price: 1 } },
      ]),
    );
    const [flatVsPerRes, flatVsPricier, perResVsPricier] = result.crossovers;
    // Per resolution costs 0.9 × 0.3 × T = 0.27 T; flat is 300 while resolutions ≤ 500 (T ≤ 1666.67):
    // 0.27 T = 300 → T = 1111.11. Past the quota flat grows at 0.5 × 0.3 = 0.15 T < 0.27 T, so no second crossing.
    expect(flatVsPerRes).toMatchObject({ a: 'flat', b: 'per-res', cheaperBelow: 'per-res', cheaperAbove: 'flat' });
    expect(flatVsPerRes!.ticketsPerMonth).toBeCloseTo(1111.11, 1);
    // 0.3 T = 300 → T = 1000.
    expect(flatVsPricier!.ticketsPerMonth).toBeCloseTo(1000, 1);
    // 0.27 T < 0.3 T at every volume: they never swap, so they are not listed.
    expect(perResVsPricier).toBeUndefined();
    expect(result.crossovers).toHaveLength(2);
    expect(result.crossoverRange).toEqual({ from: 100, to: 10000 });
  });

  it('lists only swaps inside the scanned range, never one at or below its start', () => {
    // Average month 1000 tickets; the scan starts at 100. A $20 fee against $0.30 a ticket (0.3 resolutions × 1) swaps at 66.67 tickets, below the range.
    const volumes = [month('2026-01', { tickets: 1000, automatedResolutions: 300 })];
    const result = projectCosts(
      volumes,
      pricing([
        { id: 'fee', ai: { type: 'flat', monthlyFee: 20, included: 100000, unit: 'resolution', overage: 0 } },
        { id: 'metered', ai: { type: 'per-resolution', price: 1 } },
        { id: 'free', ai: { type: 'per-resolution', price: 0 } },
      ]),
    );
    // fee vs metered swap at 66.67 (out of range); free is cheapest everywhere, and free vs metered touch at 0 only.
    expect(result.crossovers).toEqual([]);
  });
});

describe('input checks', () => {
  it('rejects a month given twice', () => {
    const volumes = [month('2026-01', { tickets: 1 }), month('2026-01', { tickets: 2 })];
    expect(() => projectCosts(volumes, pricing([{ id: 'x' }]))).toThrow(ShadowdeskError);
  });

  it('rejects negative counts', () => {
    expect(() => projectCosts([month('2026-01', { tickets: -1 })], pricing([{ id: 'x' }]))).toThrow(/tickets must be a count/);
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AiPlanSchema } from '../../../eval/pricing/schema.ts';

const PRICING_DOC = new URL('../../../docs/pricing.md', import.meta.url).pathname;

describe('the AI billing units', () => {
  it('docs/pricing.md explains exactly the `ai.type`s a pricing file accepts', async () => {
    const doc = await readFile(PRICING_DOC, 'utf8');
    const section = doc.slice(doc.indexOf('## What each AI unit bills'), doc.indexOf('\n## ', doc.indexOf('## What each AI unit bills') + 1));
    const documented = [...section.matchAll(/^\| `([a-z-]+)` \(/gm)].map((match) => match[1]);
    const accepted = AiPlanSchema.options.map((plan) => plan.shape.type.value);
    expect(documented.length).toBeGreaterThan(0);
    expect(documented).toEqual(accepted);
  });
});

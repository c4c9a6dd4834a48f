import { describe, expect, it } from 'vitest';
import { newestOfClosest } from '../../../eval/responders/past-ticket.ts';
import type { SearchHit } from '../../../pipelines/search-tables.ts';

const hit = (id: string, score: number, answeredAt: number): SearchHit => ({ table: 'tickets', id, title: id, text: id, answer: `answer ${id}`, score, answeredAt });

describe('past-ticket choice', () => {
  it('reuses the newest answer among those about as close as the closest, since policies change', () => {
    const hits = [hit('old-best', 0.9, 1_000), hit('new-close', 0.87, 5_000), hit('newest-far', 0.8, 9_000)];
    expect(newestOfClosest(hits)?.id).toBe('new-close');
    expect(newestOfClosest([hit('only', 0.5, 1)])?.id).toBe('only');
    expect(newestOfClosest([])).toBeUndefined();
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { describeCoverage, replayCoverage } from '../../../eval/replay/coverage.ts';
import { responderFor } from '../../../eval/responders/index.ts';
import { simulate } from '../../../eval/simulate.ts';
import { importSources } from '../../../pipelines/import.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

type Turn = [Ticket['messages'][number]['role'], string, string, boolean?];

function ticket(id: string, day: number, turns: Turn[], extra: Partial<Ticket> = {}): Ticket {
  const at = (hour: number) => new Date(Date.UTC(2025, 5, day, hour)).toISOString();
  return {
    id,
    source: 'zendesk',
    createdAt: at(8),
    channel: 'email',
    subject: `Ticket ${id}`,
    customer: { email: `${id}@example.com` },
    tags: [],
    messages: turns.map(([role, hour, text, internal], index) => ({ role, sentAt: at(8 + Number(hour) + index / 60), text, ...(internal && { internal }) })),
    ...extra,
  };
}

async function workspaceOf(tickets: Ticket[]): Promise<string> {
  const dir = await tempDir();
  const file = await writeTemp(dir, 'tickets.jsonl', tickets.map((one) => JSON.stringify(one)).join('\n'));
  const workspace = join(dir, 'ws');
  await importSources([{ path: file }], { workspace });
  return workspace;
}

describe('what a replay covers', () => {
  it('counts the tickets left out and why, and how many replayed can be judged (EN and FR)', async () => {
    const workspace = await workspaceOf([
      ticket('old-en', 1, [['customer', '0', 'Where is my parcel?'], ['agent', '1', 'It ships today.']]),
      ticket('en', 20, [['customer', '0', 'Can I return a candle?'], ['agent', '1', 'Yes, within 30 days.']]),
      ticket('fr', 21, [['customer', '0', 'Puis-je retourner une bougie ?'], ['agent', '1', 'Oui, sous 30 jours.']]),
      ticket('fr-note', 21, [['customer', '0', 'Ma commande est-elle partie ?'], ['agent', '1', 'Vérifié chez le transporteur.', true]]),
      ticket('en-noreply', 22, [['customer', '0', 'Do you ship to Norway?']]),
      ticket('spam', 22, [['customer', '0', 'Cheap watches!!!']], { spam: true }),
      ticket('outbound', 22, [['agent', '0', 'Votre colis est en route.']]),
    ]);
    const coverage = await replayCoverage(workspace, { holdoutDays: 10 }, [responderFor('knowledge-base'), responderFor('past-ticket')]);
    expect(coverage.leftOut).toEqual({ spam: 1, noQuestion: 1, beforeHoldout: 1, notInSample: 0 });
    expect(coverage.replayed).toEqual({ tickets: 4, judgeable: 2, not: { 'internal-reply-only': 1, 'no-reply': 1 } });
    expect(coverage.empty).toEqual([{ candidate: 'knowledge-base', reason: '0 documents to answer from: the workspace has no help-center articles, policies or products, so it escalates every ticket' }]);
    expect(describeCoverage(coverage)).toEqual([
      '4 of 7 tickets replayed; 3 left out: 1 with no customer message, 1 marked as spam, 1 before the holdout (what candidates learn from).',
      '2 of 4 tickets can be judged (a customer question and an agent reply after it); not the others: 1 only internal notes after the question, 1 no agent reply.',
      'knowledge-base: 0 documents to answer from: the workspace has no help-center articles, policies or products, so it escalates every ticket.',
    ]);
  });

  it('refuses to simulate when no ticket can be judged, saying why and what to export (EN and FR)', async () => {
    const workspace = await workspaceOf([
      ticket('en', 1, [['customer', '0', 'My candle arrived broken.']]),
      ticket('fr', 2, [['customer', '0', 'Ma bougie est arrivée cassée.']]),
    ]);
    await expect(simulate({ workspace, runDir: join(workspace, 'run'), candidates: [responderFor('past-ticket')] })).rejects.toThrow(
      /0 of 2 tickets can be judged .*: none can, so a replay would measure nothing \(2 no agent reply\)\. To fix it, Zendesk: export each ticket's comments/,
    );
  });
});

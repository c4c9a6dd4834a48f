import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { pullHelpdesk, type PullReport } from '../../../pipelines/pull/pull.ts';
import { readRecords } from '../../../pipelines/workspace.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { collect, useTempDir } from '../../helpers/temp.ts';

/**
 * A 2,000-ticket account per helpdesk, pulled and imported: every ticket arrives with its
 * customer question and the agent's reply after it, in order, so every one can be judged; every
 * page written is read, listed as not an export, or listed as a rules file. Gorgias and Zendesk in
 * accounts.test.ts; Freshdesk with a Shopify store, which then goes on into a report through the
 * library, in accounts-freshdesk-shopify.test.ts (one file each, so they run side by side);
 * Zendesk and Gorgias go end to end through the CLI in cli-zendesk.test.ts and cli-gorgias.test.ts.
 */

export const TICKETS = 2000;
export const account = fakeAccount(TICKETS);
export const MESSAGES = [...Array(TICKETS).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);
const dates = { since: '2023-06-01', until: '2026-01-01', retryBaseMs: 5 };

export type Pulled = PullReport & { workspace: string };

/** A pull into a fresh workspace (or `workspace`), its fake API closed and its folder removed after the test. */
export function usePull(): { tempDir: () => Promise<string>; pullFrom: (helpdesk: string, api: FakeApi, env: NodeJS.ProcessEnv, workspace?: string) => Promise<Pulled> } {
  const tempDir = useTempDir();
  const fakes: FakeApi[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });
  const pullFrom = async (helpdesk: string, api: FakeApi, env: NodeJS.ProcessEnv, workspace?: string): Promise<Pulled> => {
    fakes.push(api);
    const into = workspace ?? join(await tempDir(), 'ws');
    return { ...(await pullHelpdesk(helpdesk, { workspace: into, env, ...dates })), workspace: into };
  };
  return { tempDir, pullFrom };
}

/** Every page file the pull wrote is read by a reader, listed as not an export, or listed as rules. */
export async function expectEveryPageAccountedFor(report: PullReport): Promise<void> {
  const imported = report.import;
  if (!imported) throw new Error('the pull did not import');
  for (const file of imported.files) expect(file.read).toBe(file.imported + file.skipped);
  const pages = (await readdir(report.pull.folder)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).map((name) => join(report.pull.folder, name));
  const offered = [...imported.files.map((file) => file.file), ...imported.ignored, ...(imported.rulesFiles ?? [])];
  expect(new Set(offered)).toEqual(new Set(pages));
}

/** Each fake ticket: the customer's question first, the agent's reply after it, every message kept, in order. */
export async function expectJoinedTickets(workspace: string): Promise<Ticket[]> {
  const tickets = await collect(readRecords(workspace, 'ticket'));
  expect(tickets).toHaveLength(TICKETS);
  for (const ticket of tickets) {
    const id = Number(ticket.id);
    expect(ticket.messages.map((message) => message.role), ticket.id).toEqual(Array.from({ length: account.messagesOf(id) }, (_, turn) => (turn % 2 === 0 ? 'customer' : 'agent')));
    const times = ticket.messages.map((message) => Date.parse(message.sentAt));
    expect(times, ticket.id).toEqual([...times].sort((a, b) => a - b));
  }
  const text = (id: string, turn: number) => tickets.find((ticket) => ticket.id === id)?.messages[turn]?.text;
  expect(text('2', 0)).toContain('Bonjour, où en est ma commande n°2');
  expect(text('2', 1)).toContain('Votre commande 2 est partie hier');
  expect(text('3', 0)).toContain('Hello, where is my order #3');
  expect(text('3', 1)).toContain('Your order 3 shipped yesterday');
  return tickets;
}

import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { pullHelpdesk, type PullOptions, type PullReport } from '../../../pipelines/pull/pull.ts';
import type { ImportReport } from '../../../pipelines/import.ts';
import { currentImportDir, readRecords, REPORT_FILE } from '../../../pipelines/workspace.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { collect, useTempDir } from '../../helpers/temp.ts';

/**
 * A 2,000-ticket account per helpdesk, pulled and imported: every ticket arrives with its
 * customer question and the agent's reply after it, in order, so every one can be judged; every
 * page written is read, listed as not an export, or listed as a rules file. Zendesk and Gorgias
 * are pulled once each, through the CLI, and their pages and workspace checked here after the
 * CLI's own checks (cli-zendesk.test.ts, cli-gorgias.test.ts): a second pull of the same account
 * through the library cost as much again (mostly importing 2,000 page files) and checked nothing
 * the CLI's pull does not go through. Freshdesk with a Shopify store, which then goes on into a
 * report through the library, in accounts-freshdesk-shopify.test.ts (one file each, so they run
 * side by side).
 */

export const TICKETS = 2000;
export const account = fakeAccount(TICKETS);
export const MESSAGES = [...Array(TICKETS).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);
const dates = { since: '2023-06-01', until: '2026-01-01', retryBaseMs: 5 };

export type Pulled = PullReport & { workspace: string };

type PullFrom = (helpdesk: string, api: FakeApi, env: NodeJS.ProcessEnv, workspace?: string, options?: PullOptions) => Promise<Pulled>;

/** A pull into a fresh workspace (or `workspace`), its fake API closed and its folder removed after the test. */
export function usePull(): { tempDir: () => Promise<string>; pullFrom: PullFrom } {
  const tempDir = useTempDir();
  const fakes: FakeApi[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });
  const pullFrom: PullFrom = async (helpdesk, api, env, workspace, options = {}) => {
    fakes.push(api);
    const into = workspace ?? join(await tempDir(), 'ws');
    return { ...(await pullHelpdesk(helpdesk, { workspace: into, env, ...dates, ...options })), workspace: into };
  };
  return { tempDir, pullFrom };
}

/**
 * Every page file a pull wrote into `folder` is read by a reader, listed as not an export, or
 * listed as rules by `imported` (the pull's own import, or one of several folders).
 */
export async function expectEveryPageAccountedFor(folder: string, imported: ImportReport | undefined): Promise<void> {
  if (!imported) throw new Error('the pull did not import');
  const inFolder = (path: string) => dirname(path) === folder;
  const files = imported.files.filter((file) => inFolder(file.file));
  for (const file of files) expect(file.read).toBe(file.imported + file.skipped);
  const pages = (await readdir(folder)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).map((name) => join(folder, name));
  const offered = [...files.map((file) => file.file), ...imported.ignored, ...(imported.rulesFiles ?? [])].filter(inFolder);
  expect(new Set(offered)).toEqual(new Set(pages));
}

/** The report of the workspace's current import, as the import that made it returned it. */
export async function currentImportReport(workspace: string): Promise<ImportReport> {
  const dir = await currentImportDir(workspace);
  if (!dir) throw new Error(`${workspace} holds no import`);
  return JSON.parse(await readFile(join(dir, REPORT_FILE), 'utf8')) as ImportReport;
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

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_DATA_DIR } from '../../datasets/demo/location.ts';
import { generateDemo } from '../../datasets/demo/generate.ts';
import { readCsv } from '../../datasets/io/csv.ts';
import { collect, useTempDir } from '../helpers/temp.ts';

const tempDir = useTempDir();

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length)] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

interface DemoTicket {
  id: number;
  language: string;
  created_datetime: string;
  customer: { email: string };
  messages: Array<{ from_agent: boolean; via: string; public: boolean; body_text: string; created_datetime: string }>;
  tags: Array<{ name: string }>;
}

async function tickets(path: string): Promise<DemoTicket[]> {
  return JSON.parse(await readFile(path, 'utf8')) as DemoTicket[];
}

describe('the demo generator', () => {
  it('writes byte-identical files for the same seed and different ones for another', async () => {
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
    await generateDemo({ outDir: a, tickets: 150, seed: 1 });
    await generateDemo({ outDir: b, tickets: 150, seed: 1 });
    await generateDemo({ outDir: c, tickets: 150, seed: 2 });
    const first = await filesOf(a);
    expect(Object.keys(first).length).toBeGreaterThan(40);
    expect(await filesOf(b)).toEqual(first);
    expect((await filesOf(c))['/gorgias-tickets.json']).not.toEqual(first['/gorgias-tickets.json']);
  });

  it('places every order a ticket mentions in the orders export, before the ticket', async () => {
    const dir = await tempDir();
    await generateDemo({ outDir: dir, tickets: 200, seed: 3 });
    const orders = new Map<string, string>();
    for (const item of await collect(readCsv(join(dir, 'shopify-orders.csv')))) {
      if (item.type === 'row' && item.row['Created at']) orders.set(item.row.Name!, item.row['Created at']);
    }
    const all = await tickets(join(dir, 'gorgias-tickets.json'));
    expect(all).toHaveLength(200);
    let checked = 0;
    for (const ticket of all) {
      for (const name of new Set(ticket.messages[0]!.body_text.match(/#ML\d+/g) ?? [])) {
        const created = orders.get(name);
        expect(created, `${name} of ticket ${ticket.id}`).toBeDefined();
        const [day, time, offset] = created!.split(' ');
        expect(Date.parse(`${day}T${time}${offset!.slice(0, 3)}:${offset!.slice(3)}`)).toBeLessThan(Date.parse(ticket.created_datetime));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('writes the generic CSV layout that the generic reader recognises', async () => {
    const dir = await tempDir();
    await generateDemo({ outDir: dir, tickets: 20, seed: 4, formats: ['generic-csv'], withKnowledge: false });
    const rows = (await collect(readCsv(join(dir, 'tickets.csv')))).filter((item) => item.type === 'row');
    expect(rows).toHaveLength(20);
    expect(Object.keys(rows[0]!.row)).toEqual(['Ticket ID', 'Created at', 'Subject', 'Message', 'Reply', 'Replied at', 'Email', 'Name', 'Tags', 'Channel', 'Language', 'Status', 'Closed at']);
  });
});

describe('the bundled demo', () => {
  it('spans 24 months in two languages with a Black Friday and Christmas peak', async () => {
    const all = await tickets(join(DEMO_DATA_DIR, 'gorgias-tickets.json'));
    expect(all.length).toBeGreaterThanOrEqual(2000);
    const months = new Map<string, number>();
    for (const ticket of all) months.set(ticket.created_datetime.slice(0, 7), (months.get(ticket.created_datetime.slice(0, 7)) ?? 0) + 1);
    expect(months.size).toBe(24);
    const average = all.length / 24;
    expect(months.get('2025-12')!).toBeGreaterThan(1.5 * average);
    expect(months.get('2025-08')!).toBeLessThan(average);
    const languages = new Set(all.map((ticket) => ticket.language));
    expect(languages).toEqual(new Set(['fr', 'en']));
  });

  it('answers returns with the return window in force at the ticket date', async () => {
    const all = await tickets(join(DEMO_DATA_DIR, 'gorgias-tickets.json'));
    const change = Date.parse('2025-03-01T00:00:00Z');
    const windows = { before: new Set<string>(), after: new Set<string>() };
    for (const ticket of all) {
      if (!ticket.tags.some((tag) => tag.name === 'return')) continue;
      const reply = ticket.messages.find((message) => message.from_agent && message.public && message.via !== 'rule');
      const days = reply?.body_text.match(/(\d+) (?:jours|days) (?:après|after)/)?.[1] ?? reply?.body_text.match(/(\d+)-day return window|délai de retour de (\d+) jours/)?.slice(1).find(Boolean);
      if (days) windows[Date.parse(ticket.created_datetime) < change ? 'before' : 'after'].add(days);
    }
    expect(windows.before).toEqual(new Set(['14']));
    expect(windows.after).toEqual(new Set(['30']));
  });

  it('carries the mess real exports have', async () => {
    const text = await readFile(join(DEMO_DATA_DIR, 'gorgias-tickets.json'), 'utf8');
    for (const needle of ['gmail_quote', 'a écrit :', ' wrote:', 'Envoyé de mon', '"via":"rule"', '"public":false', '"spam":true', '<script>', 'onerror', 'Ignore all previous instructions']) {
      expect(text, needle).toContain(needle);
    }
  });
});

import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KnowledgeDoc, Ticket } from '../../datasets/records.ts';
import { importSources } from '../../pipelines/import.ts';
import { readJsonl, readRecords } from '../../pipelines/workspace.ts';
import { formatImportReport } from '../../reports/import-report.ts';
import { importedDemo } from '../helpers/demo-workspace.ts';
import { collect, useTempDir, writeTemp } from '../helpers/temp.ts';

const tempDir = useTempDir();

function ticket(id: string, messages: Array<[Ticket['messages'][number]['role'], string, string]>, extra: Partial<Ticket> = {}): Ticket {
  return {
    id,
    source: 'test',
    createdAt: messages[0]![1],
    channel: 'email',
    subject: `Ticket ${id}`,
    customer: { email: `${id}@example.com` },
    tags: [],
    messages: messages.map(([role, sentAt, text]) => ({ role, sentAt, text })),
    ...extra,
  };
}

const jsonl = (records: unknown[]) => `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;

describe('importSources', () => {
  it('accounts for every record and names the place of each skip', async () => {
    const dir = await tempDir();
    const file = await writeTemp(
      dir,
      'tickets.jsonl',
      [
        JSON.stringify(ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Where is my order?']])),
        '{"id": "2", broken',
        JSON.stringify({ ...ticket('3', [['customer', '2025-01-02T10:00:00.000Z', 'Hello']]), createdAt: 'yesterday' }),
        JSON.stringify(ticket('4', [['agent', '2025-01-03T10:00:00.000Z', 'Hi']])),
      ].join('\n'),
    );
    const workspace = join(dir, 'ws');
    const report = await importSources([{ path: file }], { workspace });

    expect(report.committed).toBe(true);
    const [only] = report.files;
    expect(only).toMatchObject({ format: 'shadowdesk-jsonl', read: 4, imported: 2, skipped: 2, merged: 0 });
    expect(only!.read).toBe(only!.imported + only!.skipped);
    expect(only!.skips.map((skip) => [skip.at.line, skip.reason.split(':')[0]])).toEqual([
      [2, 'invalid JSON'],
      [3, 'invalid ticket'],
    ]);
    expect(only!.skips[1]!.reason).toContain('createdAt');
    expect(report.totals.records).toEqual({ ticket: 2, knowledge: 0, order: 0 });

    const stored = await collect(readRecords(workspace, 'ticket'));
    expect(stored.map((record) => record.id)).toEqual(['1', '4']);
    const issues = await collect(readJsonl<{ type: string; at: { line: number } }>(report.issuesFile));
    expect(issues.map((issue) => [issue.type, issue.at.line])).toEqual([
      ['skip', 2],
      ['skip', 3],
    ]);
  });

  it('merges a ticket id seen twice instead of counting it twice', async () => {
    const dir = await tempDir();
    const first = await writeTemp(
      dir,
      'page1.jsonl',
      jsonl([ticket('42', [['customer', '2025-02-01T09:00:00.000Z', 'My parcel is late']], { tags: ['shipping'], status: 'open' })]),
    );
    const second = await writeTemp(
      dir,
      'page2.jsonl',
      jsonl([
        ticket(
          '42',
          [
            ['customer', '2025-02-01T09:00:00.000Z', 'My parcel is late'],
            ['agent', '2025-02-01T11:00:00.000Z', 'It ships tomorrow.'],
          ],
          { tags: ['urgent'], status: 'closed' },
        ),
        ticket('43', [['customer', '2025-02-02T09:00:00.000Z', 'Refund?']]),
      ]),
    );
    const workspace = join(dir, 'ws');
    const report = await importSources([{ path: first }, { path: second }], { workspace });

    expect(report.totals).toMatchObject({ read: 3, imported: 3, merged: 1, skipped: 0 });
    expect(report.totals.records.ticket).toBe(2);
    const stored = await collect(readRecords(workspace, 'ticket'));
    expect(stored).toHaveLength(2);
    const merged = stored.find((record) => record.id === '42')!;
    expect(merged.status).toBe('closed');
    expect(merged.tags).toEqual(['shipping', 'urgent']);
    expect(merged.messages.map((message) => message.text)).toEqual(['My parcel is late', 'It ships tomorrow.']);
  });

  it.each([
    ['English', 'My parcel is late', 'It ships tomorrow.', 'Refund?'],
    ['French', 'Mon colis est en retard', 'Il part demain.', 'Remboursement ?'],
  ])('counts the judgeable tickets as merged, not as first read (%s)', async (_language, question, reply, unanswered) => {
    const dir = await tempDir();
    const first = await writeTemp(dir, 'page1.jsonl', jsonl([ticket('42', [['customer', '2025-02-01T09:00:00.000Z', question]], { source: 'zendesk' })]));
    const second = await writeTemp(
      dir,
      'page2.jsonl',
      jsonl([
        ticket('42', [['agent', '2025-02-01T11:00:00.000Z', reply]], { source: 'zendesk' }),
        ticket('43', [['customer', '2025-02-02T09:00:00.000Z', unanswered]], { source: 'gorgias' }),
      ]),
    );
    const report = await importSources([{ path: first }, { path: second }], { workspace: join(dir, 'ws') });

    expect(report.totals.merged).toBe(1);
    expect(report.judgeable).toEqual({ tickets: 2, judgeable: 1, not: { 'no-reply': 1 } });
    expect(report.ticketSources).toEqual(['zendesk', 'gorgias']);
  });

  it('keeps each dated version of a knowledge document', async () => {
    const dir = await tempDir();
    const doc = (updatedAt: string, body: string): KnowledgeDoc => ({ id: 'returns', kind: 'policy', title: 'Returns', body, updatedAt });
    const file = await writeTemp(
      dir,
      'kb.jsonl',
      jsonl([doc('2024-01-01T00:00:00.000Z', '14 days'), doc('2025-03-01T00:00:00.000Z', '30 days'), doc('2025-03-01T00:00:00.000Z', '30 days, free')]),
    );
    const workspace = join(dir, 'ws');
    const report = await importSources([{ path: file }], { workspace });
    expect(report.totals).toMatchObject({ imported: 3, merged: 1, records: { knowledge: 2 } });
    const stored = await collect(readRecords(workspace, 'knowledge'));
    expect(stored.map((record) => record.body)).toEqual(['14 days', '30 days, free']);
  });

  it('leaves the previous workspace untouched when nothing usable is read', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    const good = await writeTemp(dir, 'good.jsonl', jsonl([ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Hi']])]));
    await importSources([{ path: good }], { workspace });

    const bad = await writeTemp(dir, 'bad.jsonl', '{"id": 1, nope\n{"also": "bad"\n');
    const report = await importSources([{ path: bad, format: 'shadowdesk-jsonl' }], { workspace });

    expect(report.committed).toBe(false);
    expect(report.totals).toMatchObject({ read: 2, imported: 0, skipped: 2 });
    expect((await collect(readRecords(workspace, 'ticket'))).map((record) => record.id)).toEqual(['1']);
    expect(await readdir(join(workspace, 'imports'))).toHaveLength(1);
  });

  it('fails before writing anything when a path does not exist or a format is unknown', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    const good = await writeTemp(dir, 'good.jsonl', jsonl([ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Hi']])]));
    await expect(importSources([{ path: good }, { path: join(dir, 'missing.json') }], { workspace })).rejects.toMatchObject({
      code: 'SD_INPUT_NOT_FOUND',
      message: expect.stringContaining('missing.json'),
    });
    await expect(importSources([{ path: good, format: 'excel' }], { workspace })).rejects.toMatchObject({ code: 'SD_FORMAT_UNKNOWN' });
    await expect(readdir(workspace)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('discards the half-written import when a source fails mid-way', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    const good = await writeTemp(dir, 'good.jsonl', jsonl([ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Hi']])]));
    await importSources([{ path: good }], { workspace });
    const before = await readFile(join(workspace, 'current.json'), 'utf8');

    const csv = await writeTemp(dir, 'export.csv', 'id,date,text\n1,2025-01-01,Hello\n');
    await expect(
      importSources([{ path: good }, { path: csv, format: 'generic-csv', mapping: { ticketId: 'id', createdAt: 'date', body: 'missing column' } }], {
        workspace,
      }),
    ).rejects.toMatchObject({ code: 'SD_MAPPING_INVALID' });

    expect(await readFile(join(workspace, 'current.json'), 'utf8')).toBe(before);
    expect(await readdir(join(workspace, 'imports'))).toHaveLength(1);
  });

  it('reads a folder of exports file by file and lists what it did not read', async () => {
    const dir = await tempDir();
    await writeTemp(dir, 'tickets.jsonl', jsonl([ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Hi']])]));
    await writeTemp(dir, 'notes.docx', 'binary');
    const report = await importSources([{ path: dir }], { workspace: join(await tempDir(), 'ws') });
    expect(report.files.map((file) => file.format)).toEqual(['shadowdesk-jsonl']);
    expect(report.ignored).toEqual([join(dir, 'notes.docx')]);
  });

  it('reads nothing again when every source is byte for byte the current import, and reads any change', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    const exports = join(dir, 'exports');
    await writeTemp(dir, 'tickets.jsonl', jsonl([ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Hi']])]));
    await mkdir(join(exports, 'help-center'), { recursive: true });
    await writeTemp(exports, 'tickets.jsonl', jsonl([ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Hi']])]));
    await writeTemp(join(exports, 'help-center'), 'returns.md', '# Returns\n\nWithin 14 days.');
    const first = await importSources([{ path: exports }], { workspace });
    const current = () => readFile(join(workspace, 'current.json'), 'utf8');
    const pointer = await current();

    const again = await importSources([{ path: exports }], { workspace });
    expect(again).toEqual({ ...first, unchanged: true });
    expect(await current()).toBe(pointer);
    expect(formatImportReport(again)).toMatch(/^Unchanged since the import of .*nothing was read again/);

    // Other sources (the same tickets as a file of their own), a forced import, a changed article, other options: read again.
    const renamed = await importSources([{ path: join(dir, 'tickets.jsonl') }], { workspace });
    expect(renamed.unchanged).toBeUndefined();
    await importSources([{ path: exports }], { workspace });
    expect((await importSources([{ path: exports }], { workspace, force: true })).unchanged).toBeUndefined();
    await writeTemp(join(exports, 'help-center'), 'returns.md', '# Returns\n\nWithin 30 days.');
    const changed = await importSources([{ path: exports }], { workspace });
    expect(changed.unchanged).toBeUndefined();
    expect((await collect(readRecords(workspace, 'knowledge'))).map((doc) => doc.body)).toEqual([expect.stringContaining('Within 30 days.')]);
    expect((await importSources([{ path: exports }], { workspace, maxMessageChars: 500 })).unchanged).toBeUndefined();

    // A file named through a link is read, and compared, through it.
    const link = join(dir, 'latest.jsonl');
    await symlink(join(exports, 'tickets.jsonl'), link);
    await importSources([{ path: link }], { workspace });
    await writeTemp(exports, 'tickets.jsonl', jsonl([ticket('2', [['customer', '2025-01-02T10:00:00.000Z', 'Hello']])]));
    expect((await importSources([{ path: link }], { workspace })).unchanged).toBeUndefined();
    expect((await collect(readRecords(workspace, 'ticket'))).map((record) => record.id)).toEqual(['2']);
  });

  it('compares every byte of a source longer than a read: one letter changed past the first MiB, at the same size, is read again', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    const question = (last: string) => `Where is my parcel? ${'x'.repeat(200)}${last}`;
    const tickets = (last: string) => jsonl(Array.from({ length: 12_000 }, (_, index) => ticket(String(index + 1), [['customer', '2025-01-01T10:00:00.000Z', index === 11_999 ? question(last) : question('a')]])));
    const file = await writeTemp(dir, 'tickets.jsonl', tickets('a'));
    expect(Buffer.byteLength(tickets('a'))).toBeGreaterThan(2 * 2 ** 20);
    await importSources([{ path: file }], { workspace });
    expect((await importSources([{ path: file }], { workspace })).unchanged).toBe(true);
    await writeTemp(dir, 'tickets.jsonl', tickets('b'));
    expect((await importSources([{ path: file }], { workspace })).unchanged).toBeUndefined();
  });

  it('stops and writes nothing when aborted', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    const file = await writeTemp(dir, 'tickets.jsonl', jsonl([ticket('1', [['customer', '2025-01-01T10:00:00.000Z', 'Hi']])]));
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    await expect(importSources([{ path: file }], { workspace, signal: controller.signal })).rejects.toThrow('interrupted');
    expect(await readdir(join(workspace, 'imports'))).toEqual([]);
    await expect(readFile(join(workspace, 'current.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the bundled demo through the importer', () => {
  it('imports every demo record, and the workspace JSONL reads back to the same records', async () => {
    const { workspace, report } = await importedDemo();
    expect(report.totals.read).toBe(report.totals.imported + report.totals.skipped);
    expect(report.totals.skipped).toBe(0);
    expect(report.totals.records.ticket).toBeGreaterThanOrEqual(2000);
    expect(report.files.map((file) => file.format).sort()).toEqual([
      'articles-folder',
      'gorgias-json',
      'gorgias-macros',
      'shopify-orders-csv',
      'shopify-products-csv',
    ]);

    const stored = await collect(readRecords(workspace, 'ticket'));
    const again = join(await tempDir(), 'ws');
    const reimport = await importSources([{ path: join(dirname(report.issuesFile), 'tickets.jsonl') }], { workspace: again });
    expect(reimport.files[0]!.format).toBe('shadowdesk-jsonl');
    expect(await collect(readRecords(again, 'ticket'))).toEqual(stored);
  });
});

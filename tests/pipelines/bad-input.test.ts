import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../datasets/records.ts';
import { initProject } from '../../eval/config/init.ts';
import { importAdvice, importSources } from '../../pipelines/import.ts';
import { readRecords } from '../../pipelines/workspace.ts';
import { useTempDir, writeTemp } from '../helpers/temp.ts';

const tempDir = useTempDir();
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('bad input, said clearly', () => {
  it('an empty file says so first, whatever its extension', async () => {
    const dir = await tempDir();
    for (const name of ['tickets.json', 'export.csv']) {
      const file = await writeTemp(dir, name, '\uFEFF \n');
      await expect(importSources([{ path: file }], { workspace: join(dir, 'ws') })).rejects.toThrow(`${file}: the file is empty; export it again from the helpdesk`);
    }
    const forced = await writeTemp(dir, 'empty.json', '');
    const report = await importSources([{ path: forced, format: 'zendesk-json' }], { workspace: join(dir, 'ws') });
    expect(report.files[0]!.note).toBe('the file is empty');
    expect(await readdir(join(dir, 'ws', 'imports')).catch(() => [])).toEqual([]);
  });

  it('removes NUL characters and says how many, in a French and an English CSV', async () => {
    const dir = await tempDir();
    const file = await writeTemp(
      dir,
      'tickets.csv',
      'ticket_id,created_at,role,message\n1,2025-01-02 10:00,customer,Où est ma commande\u0000 ?\n1,2025-01-02 11:00,agent,Elle part demain.\n2,2025-01-03 10:00,customer,Where is\u0000\u0000 my parcel?\n',
    );
    const workspace = join(dir, 'ws');
    const report = await importSources([{ path: file }], { workspace });
    expect(report.files[0]!.note).toBe('3 NUL characters were removed from the text (a binary attachment or a damaged export?)');
    const texts: string[] = [];
    for await (const ticket of readRecords(workspace, 'ticket')) texts.push(...(ticket as Ticket).messages.map((message) => message.text));
    expect(texts).toEqual(['Où est ma commande ?', 'Elle part demain.', 'Where is my parcel?']);
  });

  it('a truncated JSON file names the record, where it starts and the byte the file ends at', async () => {
    const dir = await tempDir();
    const whole = JSON.stringify({ tickets: [{ id: 1, created_at: '2025-01-01T00:00:00Z', requester_id: 2, via: { channel: 'email' }, description: 'Colis cassé, que faire ?' }, { id: 2, created_at: '2025-01-02T00:00:00Z', requester_id: 3, description: 'Broken jar' }] });
    const cut = whole.slice(0, whole.indexOf('Broken'));
    const file = await writeTemp(dir, 'tickets.json', cut);
    const report = await importSources([{ path: file, format: 'zendesk-json' }], { workspace: join(dir, 'ws') });
    const start = Buffer.byteLength(whole.slice(0, whole.indexOf('{"id":2')));
    expect(report.files[0]!.skips).toEqual([
      {
        at: { file, line: 1, record: 2 },
        reason: `unexpected end of file at byte ${Buffer.byteLength(cut)}: record 2, from byte ${start}, is incomplete (a truncated file, or an unclosed bracket or quote)`,
      },
    ]);
  });

  it('a Gorgias rules export among the exports is pointed at `shadowdesk rules`, by import and by init', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'exports'));
    await copyFile(fixture('gorgias-rules/rules.json'), join(dir, 'exports', 'rules.json'));
    await copyFile(fixture('gorgias-rules/account-settings.json'), join(dir, 'exports', 'account-settings.json'));
    await copyFile(fixture('gorgias-json/tickets-array.json'), join(dir, 'exports', 'tickets.json'));
    const report = await importSources([{ path: join(dir, 'exports') }], { workspace: join(dir, 'ws') });
    const rules = join(dir, 'exports', 'rules.json');
    expect(report.rulesFiles).toEqual([rules]);
    expect(importAdvice(report)).toContain(`${rules}: Gorgias rules, not imported; try them on this history with \`shadowdesk rules --gorgias-rules ${rules}\`.`);
    await expect(importSources([{ path: rules }], { workspace: join(dir, 'ws') })).rejects.toThrow(`try them with \`shadowdesk rules --gorgias-rules ${rules}\``);

    const init = await initProject({ dir: join(dir, 'exports') });
    expect(init.rules).toEqual([rules]);
    expect(init.unreadable).toEqual([]);
    expect(init.next.at(-1)).toBe(`${init.cli} rules --gorgias-rules rules.json`);
  });
});

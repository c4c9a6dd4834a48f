import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { guessMapping } from '../../../datasets/readers/generic-csv.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();

describe('freshdesk-csv', () => {
  it('reads the first message of each ticket and skips rows without a creation date', async () => {
    const items = await read('freshdesk-csv', fixture('freshdesk-export.csv'));
    expect(items).toHaveLength(3);
    const [late, refund] = records<Ticket>(items);
    expect(late).toMatchObject({
      id: '12',
      source: 'freshdesk',
      createdAt: '2025-06-01T10:15:00.000Z',
      closedAt: '2025-06-02T09:00:00.000Z',
      channel: 'email',
      subject: 'Order late',
      tags: ['shipping', 'late'],
      assignee: 'Hugo Bernard',
      customer: { email: 'anna@example.com', name: 'Anna Schmidt' },
    });
    expect(late!.messages).toEqual([
      { role: 'customer', sentAt: '2025-06-01T10:15:00.000Z', text: 'Hi,\nmy order #ML2001 is late.', html: '<div>Hi,<br>my order <b>#ML2001</b> is late.</div>' },
    ]);
    expect(refund!.closedAt).toBeUndefined();
    expect(skips(items)).toEqual([[3, 'missing or unreadable creation date ("")']]);
  });
});

describe('generic-csv', () => {
  it('reads a Windows-1252 ; file from French Excel with a mapping guessed from French headers', async () => {
    const dir = await tempDir();
    const text =
      'N° ticket;Date de création;Objet;Message;Réponse;Courriel;Étiquettes\r\n' +
      '1;03/04/2025 14:30;Remboursement;"Bonjour,\r\nJe voudrais être remboursée.\r\nCordialement,\r\nAmélie";Votre remboursement est parti.;amelie@exemple.fr;remboursement, urgent\r\n' +
      '2;pas de date;Question;Bonjour;;x@exemple.fr;\r\n';
    const file = await writeTemp(dir, 'export.csv', iconv.encode(text, 'win1252'));
    const items = await read('generic-csv', file);
    const [ticket] = records<Ticket>(items);
    expect(ticket).toMatchObject({
      id: '1',
      source: 'csv',
      createdAt: '2025-04-03T14:30:00.000Z',
      subject: 'Remboursement',
      tags: ['remboursement', 'urgent'],
      customer: { email: 'amelie@exemple.fr' },
    });
    expect(ticket!.messages.map((message) => [message.role, message.text])).toEqual([
      ['customer', 'Bonjour,\nJe voudrais être remboursée.'],
      ['agent', 'Votre remboursement est parti.'],
    ]);
    expect(skips(items)).toEqual([[6, 'missing or unreadable creation date ("pas de date")']]);
  });

  it('groups message rows into tickets through an explicit mapping with roles and a time zone', async () => {
    const dir = await tempDir();
    const file = await writeTemp(
      dir,
      'messages.csv',
      'conv,when,who,text\nA,2025-07-01 10:00,client,Where is my parcel?\nA,2025-07-01 11:00,support,It ships today.\nA,2025-07-01 12:00,robot,beep\nB,2025-07-02 09:00,client,Hello\n',
    );
    const items = await read('generic-csv', file, {
      mapping: { ticketId: 'conv', createdAt: 'when', body: 'text', role: 'who', timeZone: 'Europe/Paris' },
    });
    expect(items).toHaveLength(2);
    const [a, b] = records<Ticket>(items);
    expect(a!.createdAt).toBe('2025-07-01T08:00:00.000Z');
    expect(a!.messages.map((message) => [message.role, message.text])).toEqual([
      ['customer', 'Where is my parcel?'],
      ['agent', 'It ships today.'],
    ]);
    expect(items[0]).toMatchObject({ warnings: ['a message with author role "robot" was left out (map it with roleValues)'] });
    expect(b!.messages).toHaveLength(1);
  });

  it('rejects a mapping that names a missing column or an unknown key, naming the key', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'export.csv', 'id,date,text\n1,2025-01-01,Hello\n');
    await expect(read('generic-csv', file, { mapping: { ticketId: 'id', createdAt: 'date', body: 'Message' } })).rejects.toMatchObject({
      code: 'SD_MAPPING_INVALID',
      message: `mapping key "body": column "Message" is not in ${file} (its columns: id, date, text)`,
    });
    await expect(read('generic-csv', file, { mapping: { ticketId: 'id', createdAt: 'date', body: 'text', subjct: 'x' } })).rejects.toMatchObject({
      code: 'SD_MAPPING_INVALID',
      message: expect.stringContaining('subjct'),
    });
  });

  it('accounts for malformed rows, an unclosed quote and a wrong delimiter', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'bad.csv', 'id,created at,message\n1,2025-01-01,ok\n2,2025-01-02,too,many\n3,2025-01-03,"never closed\n4,2025-01-04,lost\n');
    const items = await read('generic-csv', file);
    expect(items.map((item) => item.type)).toEqual(['record', 'skip', 'skip']);
    expect(skips(items).map(([line]) => line)).toEqual([3, 4]);
    expect(skips(items)[1]![1]).toContain('never closed');

    const semicolons = await writeTemp(dir, 'semi.csv', 'id;created at;message\n1;2025-01-01;ok\n');
    await expect(read('generic-csv', semicolons, { mapping: undefined, delimiter: ',' } as never)).rejects.toMatchObject({ code: 'SD_MAPPING_INVALID' });
  });

  it('guesses nothing when required columns are missing', () => {
    expect(guessMapping(['Subject', 'Message'])).toBeUndefined();
    expect(guessMapping(['Ticket ID', 'Created at', 'Message', 'Email'])).toEqual({ ticketId: 'Ticket ID', createdAt: 'Created at', body: 'Message', customerEmail: 'Email' });
  });
});

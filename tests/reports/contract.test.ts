import { writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../datasets/io/csv.ts';
import type { RunReport } from '../../eval/metrics/run-report.ts';
import { REPORT_WRITERS } from '../../reports/index.ts';
import { collect, useTempDir } from '../helpers/temp.ts';
import { makeReport, XSS_PAYLOADS } from './_report-factory.ts';

/**
 * What every report format owes, checked for each entry of the map so a new format is held to it
 * without an edit here: it renders a full report (rules, labels, hostile text in every field), and
 * ticket text arrives whole but inert, as the file's language needs (read from its extension).
 */

const FRENCH_SUBJECT = 'Où est ma commande ? <script>window.__xss=1</script> — Élodie, très déçue';
const ENGLISH_SUBJECT = 'Where is my order? <img src=x onerror="window.__xss=1"> — Zoë';

/** A full report whose first two tickets carry a French and an English hostile subject. */
async function hostileReport(): Promise<RunReport> {
  const report = await makeReport({ tickets: 40, candidates: 2, rules: true, labels: true });
  const subjects = [FRENCH_SUBJECT, ENGLISH_SUBJECT];
  return { ...report, tickets: report.tickets.map((ticket, index) => ({ ...ticket, subject: subjects[index] ?? ticket.subject })) };
}

/** No element a browser or a Markdown renderer would build from ticket text. */
function expectInertMarkup(output: string): void {
  for (const payload of [...XSS_PAYLOADS, FRENCH_SUBJECT, ENGLISH_SUBJECT]) expect(output).not.toContain(payload);
  expect(output).not.toMatch(/<(?:img|svg)\b/i);
  expect(output).not.toMatch(/<script>window/i);
}

const tempDir = useTempDir();

/** How each language keeps ticket text inert, and that the text is there whole. */
const ESCAPING: Record<string, (output: string) => Promise<void>> = {
  '.html': async (output) => expectInertMarkup(output),
  '.xml': async (output) => expectInertMarkup(output),
  '.md': async (output) => expectInertMarkup(output),
  // Data, not markup: the text must come back exactly as the customer wrote it.
  '.json': async (output) => {
    const text = JSON.stringify(JSON.parse(output));
    for (const subject of [FRENCH_SUBJECT, ENGLISH_SUBJECT]) expect(text).toContain(JSON.stringify(subject));
  },
  '.csv': async (output) => {
    const path = join(await tempDir(), 'tickets.csv');
    await writeFile(path, output);
    const cells = (await collect(readCsv(path))).flatMap((item) => (item.type === 'row' ? Object.values(item.row) : []));
    for (const subject of [FRENCH_SUBJECT, ENGLISH_SUBJECT]) expect(cells).toContain(subject);
    expect(cells.filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
  },
};

describe.each(Object.values(REPORT_WRITERS))('the $name report ($file)', (writer) => {
  it('renders a full report with hostile French and English ticket text, keeping it whole but inert', async () => {
    const escaping = ESCAPING[extname(writer.file)];
    expect(escaping, `say how ticket text is kept inert in a ${extname(writer.file)} file`).toBeDefined();
    const output = writer.render(await hostileReport());
    expect(output.length).toBeGreaterThan(0);
    // The hostile text reached the file, so the check below is about escaping, not absence.
    expect(output).toContain('xss=1');
    await escaping!(output);
  });
});

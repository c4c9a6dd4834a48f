import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATHS, findChromium, writeReportPdf } from '../../reports/pdf.ts';
import { useTempDir } from '../helpers/temp.ts';
import { makeReport } from './_report-factory.ts';

const tempDir = useTempDir();
const hasChromium = CHROMIUM_PATHS.some((path) => existsSync(path));

/** The page count a PDF's page tree declares, and its title, read from the file's own text. */
function pdfFacts(pdf: Buffer): { header: string; pages: number; title: string | undefined } {
  const text = pdf.toString('latin1');
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count (\d+)|\/Count (\d+)[^>]*?\/Type\s*\/Pages\b/g)].map((match) => Number(match[1] ?? match[2]));
  return { header: text.slice(0, 5), pages: Math.max(0, ...counts), title: titleOf(text) };
}

/** The Info dictionary's title: a literal string, or UTF-16BE hex (<FEFF…>) when it is not plain ASCII. */
function titleOf(text: string): string | undefined {
  const literal = /\/Title \(([^)]*)\)/.exec(text)?.[1];
  if (literal !== undefined) return literal;
  const hex = /\/Title <FEFF([0-9A-Fa-f]*)>/.exec(text)?.[1];
  return hex === undefined ? undefined : Buffer.from(hex, 'hex').swap16().toString('utf16le');
}

describe('finding a browser to print with', () => {
  it('names the browser SHADOWDESK_CHROMIUM gives, and says clearly when it is not there', async () => {
    const dir = await tempDir();
    const fake = join(dir, 'chrome');
    await writeFile(fake, '');
    expect(findChromium({ SHADOWDESK_CHROMIUM: fake }, [])).toBe(fake);
    expect(() => findChromium({ SHADOWDESK_CHROMIUM: join(dir, 'nope') }, [])).toThrow(`SHADOWDESK_CHROMIUM=${join(dir, 'nope')}: no such file`);
  });

  it('takes the first usual place that exists, and otherwise says how to get one', async () => {
    const dir = await tempDir();
    const present = join(dir, 'chromium');
    await writeFile(present, '');
    expect(findChromium({}, [join(dir, 'missing'), present])).toBe(present);
    expect(() => findChromium({}, [join(dir, 'missing')])).toThrow(/^--pdf: no Chromium or Chrome found \(looked at .*missing\); install one \(Debian, Ubuntu: apt-get install chromium\) or set SHADOWDESK_CHROMIUM/);
  });
});

describe.skipIf(!hasChromium)(`writeReportPdf in Chromium${hasChromium ? '' : ' (skipped: no Chromium; apt-get install chromium)'}`, () => {
  it('prints the report to a PDF of at least one page, titled with the run', async () => {
    const report = await makeReport({ tickets: 300, candidates: 3 });
    const file = join(await tempDir(), 'report.pdf');
    const started = performance.now();
    const bytes = await writeReportPdf(report, file, { title: 'shadowdesk report · run 0123456789ab' });
    console.log(`300-ticket report printed to PDF: ${bytes.toLocaleString('en-US')} bytes in ${Math.round(performance.now() - started)} ms`);
    const facts = pdfFacts(await readFile(file));
    expect(facts.header).toBe('%PDF-');
    expect(facts.pages).toBeGreaterThanOrEqual(1);
    expect(facts.title).toBe('shadowdesk report · run 0123456789ab');
  }, 180_000);
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ShadowdeskError } from '../errors.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';
import { renderHtml } from './html.ts';

/**
 * The HTML report printed to PDF by a Chromium already on the machine, driven by playwright-core
 * (which ships no browser): what a support lead forwards to finance. Nothing is downloaded; the
 * page is the same self-contained file, so its CSP still forbids every network request.
 */

/** Where Chromium or Chrome usually is; SHADOWDESK_CHROMIUM names another. */
export const CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** A4 less 12 mm margins, in CSS pixels: the page is laid out at the width it is printed at, so charts fit. */
const PRINT_WIDTH = 703;
const MARGIN = '12mm';

export interface PdfOptions {
  /** A Chromium or Chrome executable. @default SHADOWDESK_CHROMIUM, else the first of CHROMIUM_PATHS present */
  chromium?: string;
  /** The PDF's title (its metadata and the page header). */
  title?: string;
}

/** The browser to print with, or a message saying how to get one. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, paths: readonly string[] = CHROMIUM_PATHS): string {
  const named = env.SHADOWDESK_CHROMIUM;
  if (named) {
    if (!existsSync(named)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `SHADOWDESK_CHROMIUM=${named}: no such file; name a Chromium or Chrome executable`);
    return named;
  }
  const found = paths.find((path) => existsSync(path));
  if (found) return found;
  throw new ShadowdeskError(
    'SD_INPUT_NOT_FOUND',
    `--pdf: no Chromium or Chrome found (looked at ${paths.join(', ')}); install one (Debian, Ubuntu: apt-get install chromium) or set SHADOWDESK_CHROMIUM to its executable. The HTML report prints to PDF from any browser too`,
  );
}

async function playwright(): Promise<typeof import('playwright-core')> {
  try {
    return await import('playwright-core');
  } catch (cause) {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', '--pdf: playwright-core is not installed next to shadowdesk; run `npm install` in the shadowdesk folder', { cause });
  }
}

/** Prints the report to `file` as the HTML shows it, charts included; returns the PDF's size in bytes. */
export async function writeReportPdf(report: RunReport, file: string, options: PdfOptions = {}): Promise<number> {
  const executablePath = options.chromium ?? findChromium();
  const { chromium } = await playwright();
  const dir = await mkdtemp(join(tmpdir(), 'shadowdesk-pdf-'));
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const html = join(dir, 'report.html');
    await writeFile(html, renderHtml(report, options.title === undefined ? {} : { title: options.title }));
    const page = await browser.newPage({ viewport: { width: PRINT_WIDTH, height: 1000 } });
    // Belt and braces beside the page's CSP: only the report file itself may load.
    await page.route('**/*', (route) => (route.request().url() === pathToFileURL(html).href ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(html).href);
    // The client marks the page once every chart is drawn.
    await page.waitForSelector('body[data-ready="1"]', { timeout: 120_000 });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: file, format: 'A4', printBackground: true, margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN } });
    return (await stat(file)).size;
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

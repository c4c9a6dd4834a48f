import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { RunReport } from '../../eval/metrics/run-report.ts';
import { renderHtml } from '../../reports/html.ts';
import { useTempDir } from '../helpers/temp.ts';

/**
 * The HTML report opened in a real Chromium, shared by html.test.ts (charts, explorer, a large
 * report, the README's screenshot) and html-sections.test.ts (decision, rules, labels, unsent
 * answers): two files, so their pages load side by side, each with its own browser.
 */

const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const CHROMIUM_SUITE = `renderHtml in Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install chromium)`}`;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(ROOT, 'tests/artifacts');

export interface Opened {
  page: Page;
  url: string;
  errors: string[];
  requests: string[];
  loadMs: number;
}

export interface ChromiumPages {
  open(report: RunReport, name?: string): Promise<Opened>;
  rowCount(page: Page): Promise<number>;
  pageInfo(page: Page): Promise<string>;
  /** Runs an action and waits until the explorer's counter changes, returning how long that took. */
  timed(page: Page, action: () => Promise<unknown>): Promise<number>;
}

/** A browser for the suite (launched before its tests, closed after them) and the reports it opens. */
export function useChromium(): ChromiumPages {
  let browser: Browser;
  const tempDir = useTempDir();

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(report: RunReport, name = 'report.html'): Promise<Opened> {
    const file = join(await tempDir(), name);
    await writeFile(file, renderHtml(report, { title: 'Maison Lune · shadow run' }));
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(`console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(file).href;
    const started = performance.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
    return { page, url, errors, requests, loadMs: performance.now() - started };
  }

  const rowCount = (page: Page): Promise<number> => page.locator('#rows tr').count();
  const pageInfo = (page: Page): Promise<string> => page.locator('#page-info').innerText();
  async function timed(page: Page, action: () => Promise<unknown>): Promise<number> {
    const before = await pageInfo(page);
    const started = performance.now();
    await action();
    // A locator wait, not waitForFunction: the page's CSP rightly forbids the eval that one needs.
    const unchanged = new RegExp(`^${before.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await page.locator('#page-info', { hasNotText: unchanged }).waitFor({ timeout: 10_000 });
    return performance.now() - started;
  }

  return { open, rowCount, pageInfo, timed };
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountUrl, fractionOf } from '../../../pipelines/pull/common.ts';
import { pullHelpdesk, pullWindow } from '../../../pipelines/pull/pull.ts';
import { CHECKPOINT_FILE } from '../../../pipelines/pull/run.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();
const NOW = Date.parse('2026-12-05T10:00:00Z');

describe('pull window', () => {
  it('defaults to the two years up to now', async () => {
    const window = await pullWindow(await tempDir(), undefined, undefined, NOW);
    expect(window.until).toBe(NOW);
    expect(new Date(window.since).toISOString().slice(0, 10)).toBe('2024-12-04');
  });

  it('takes the dates of the unfinished pull in the folder, so a plain re-run resumes it', async () => {
    const folder = await tempDir();
    const earlier = { since: Date.parse('2024-01-01T00:00:00Z'), until: Date.parse('2025-01-01T00:00:00Z') };
    await writeFile(join(folder, CHECKPOINT_FILE), JSON.stringify({ version: 1, helpdesk: 'zendesk', window: earlier, streams: {} }));
    expect(await pullWindow(folder, undefined, undefined, NOW)).toEqual(earlier);
  });

  it('refuses dates it cannot read, and a window that ends before it starts', async () => {
    const folder = await tempDir();
    await expect(pullWindow(folder, '01/02/2024', undefined, NOW)).rejects.toThrow(/--since "01\/02\/2024" is not a date: write it as 2024-06-30/);
    await expect(pullWindow(folder, '2025-01-01', '2024-01-01', NOW)).rejects.toThrow(/--since .* must come before --until/);
  });

  it('names the helpdesks it reads when given another', async () => {
    await expect(pullHelpdesk('intercom', { workspace: await tempDir() })).rejects.toThrow('unknown helpdesk "intercom"; pull reads: gorgias, zendesk, freshdesk, shopify');
  });

  it('stops with what to do when Ctrl-C comes', async () => {
    const workspace = await tempDir();
    await mkdir(workspace, { recursive: true });
    const controller = new AbortController();
    controller.abort(new Error('SIGINT'));
    const env = { ZENDESK_SUBDOMAIN: 'http://127.0.0.1:9', ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 't' };
    await expect(pullHelpdesk('zendesk', { workspace, env, signal: controller.signal })).rejects.toThrow(/interrupted: the pages written so far are kept in .*pulled\/zendesk; run the same pull again/);
  });
});

describe('account addresses', () => {
  it('makes a bare account name an https address on the vendor domain', () => {
    expect(accountUrl('acme', 'zendesk.com', 'ZENDESK_SUBDOMAIN')).toBe('https://acme.zendesk.com/');
    expect(accountUrl('acme.zendesk.com', 'zendesk.com', 'ZENDESK_SUBDOMAIN')).toBe('https://acme.zendesk.com/');
    expect(accountUrl('https://acme.gorgias.com', 'gorgias.com', 'GORGIAS_DOMAIN')).toBe('https://acme.gorgias.com/');
    expect(accountUrl('https://support.acme.example/', 'zendesk.com', 'ZENDESK_SUBDOMAIN')).toBe('https://support.acme.example/');
    expect(accountUrl('http://127.0.0.1:8080', 'zendesk.com', 'ZENDESK_SUBDOMAIN')).toBe('http://127.0.0.1:8080/');
    expect(() => accountUrl('http://acme.zendesk.com', 'zendesk.com', 'ZENDESK_SUBDOMAIN')).toThrow(/must be https/);
    expect(() => accountUrl('acme zendesk', 'zendesk.com', 'ZENDESK_SUBDOMAIN')).toThrow(/neither an account name nor a URL/);
  });

  it('places a date in the window, either way round', () => {
    const window = { since: 0, until: 100 };
    expect(fractionOf(25, window)).toBe(0.25);
    expect(fractionOf(25, window, true)).toBe(0.75);
    expect(fractionOf(250, window)).toBe(1);
    expect(fractionOf(undefined, window)).toBeUndefined();
  });
});

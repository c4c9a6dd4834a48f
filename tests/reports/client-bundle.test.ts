import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleClient, cachedBundle } from '../../reports/client-bundle.ts';
import { useTempDir } from '../helpers/temp.ts';

const tempDir = useTempDir();

describe('bundleClient', () => {
  it('makes one classic script with the decision library inside and nothing to load', () => {
    const script = bundleClient();
    // A classic script: no module syntax or loader left for the page to resolve.
    expect(script).not.toMatch(/^\s*import[\s{]|\bexport\s*\{|\brequire\(/m);
    // No way to reach the network, whatever the CSP says.
    expect(script).not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon|EventSource/);
    // The same code as the terminal: decision.ts's own words are in it.
    expect(script).toContain('the judge counted no ticket automated, so there is nothing to scale');
    expect(script.length).toBeLessThan(200_000);
  });
});

describe('cachedBundle', () => {
  it('keeps the bundle with its sources, uses it while they are unchanged, and bundles again when one changed', async () => {
    const file = join(await tempDir(), 'html-client.json');
    const fresh = cachedBundle(file);
    expect(fresh).toBe(bundleClient());
    const kept = JSON.parse(await readFile(file, 'utf8')) as { inputs: Record<string, string>; text: string };
    expect(Object.keys(kept.inputs)).toEqual(expect.arrayContaining(['reports/client/main.ts', 'eval/pricing/decision.ts']));
    // Marked, the kept text shows whether it was used.
    await writeFile(file, JSON.stringify({ ...kept, text: 'kept' }));
    expect(cachedBundle(file)).toBe('kept');
    // A source whose content no longer matches its hash (as after an edit) makes it stale.
    await writeFile(file, JSON.stringify({ ...kept, text: 'kept', inputs: { ...kept.inputs, 'eval/pricing/decision.ts': 'an older hash' } }));
    expect(cachedBundle(file)).toBe(fresh);
    expect((JSON.parse(await readFile(file, 'utf8')) as { text: string }).text).toBe(fresh);
  });

  it('bundles when the kept file cannot be read, and still answers when it cannot be written', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'html-client.json'), '{ not json');
    expect(cachedBundle(join(dir, 'html-client.json'))).toBe(bundleClient());
    // A file where the cache's folder would be: nothing can be written under it.
    await writeFile(join(dir, 'blocked'), '');
    expect(cachedBundle(join(dir, 'blocked', 'html-client.json'))).toBe(bundleClient());
  });
});

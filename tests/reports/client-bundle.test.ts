import { describe, expect, it } from 'vitest';
import { bundleClient } from '../../reports/client-bundle.ts';

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

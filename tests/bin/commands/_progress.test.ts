import { describe, expect, it } from 'vitest';
import { importProgress, indexProgress, judgeProgress, replayProgress } from '../../../bin/commands/_progress.ts';

/** A stream that is a log file or a pipe (or a terminal), keeping what was written. */
function stream(isTTY = false): NodeJS.WriteStream & { text: string } {
  const sink = { isTTY, text: '', write: (chunk: string) => ((sink.text += chunk), true) };
  return sink as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress in a log or a pipe', () => {
  it('writes a plain line at each tenth of the replay and at the end, never a carriage return', () => {
    const out = stream();
    const progress = replayProgress(out, { now: () => 0 });
    for (let done = 1; done <= 200; done++) progress({ done, total: 200 });
    // The replay reports its end once per candidate.
    progress({ done: 200, total: 200 });
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('replay: 1/200 tickets (0%)');
    expect(lines.slice(1)).toEqual(Array.from({ length: 10 }, (_, index) => `replay: ${(index + 1) * 20}/200 tickets (${(index + 1) * 10}%)`));
    expect(out.text).not.toContain('\r');
  });

  it('writes a line every few seconds when the tenths come slowly, and one per index stage', () => {
    let clock = 0;
    const out = stream();
    const progress = indexProgress(out, { now: () => clock, everySeconds: 5 });
    for (let done = 1; done <= 1000; done++) {
      clock += 100;
      progress({ stage: 'embed', done, total: 100_000 });
    }
    progress({ stage: 'write', done: 3, total: 3 });
    const lines = out.text.trimEnd().split('\n');
    // 100 s of embedding at one line per 5 s, plus the first line and the end of the write stage.
    expect(lines).toHaveLength(21);
    expect(lines.slice(0, 2)).toEqual(['index embed: 1/100,000 (0%)', 'index embed: 51/100,000 (0%)']);
    expect(lines.at(-1)).toBe('index write: 3/3 (100%)');
  });

  it('says when each export file is read, French or English (the file name is the user’s), and how far a slow one is', () => {
    const out = stream();
    const progress = importProgress(out, { now: () => 0 });
    for (const file of ['exports/tickets-été.json', 'exports/summer-tickets.json']) {
      for (let read = 1; read <= 5000; read++) progress({ file, format: 'gorgias-json', read, done: false });
      progress({ file, format: 'gorgias-json', read: 5000, done: true });
    }
    let clock = 0;
    const slow = stream();
    const reading = importProgress(slow, { now: () => (clock += 1000) });
    for (let read = 1; read <= 12; read++) reading({ file: 'tickets.csv', format: 'generic-csv', read, done: false });
    expect(slow.text).toBe('reading tickets.csv (generic-csv): 6 records\nreading tickets.csv (generic-csv): 11 records\n');
    expect(out.text).toBe('read exports/tickets-été.json (gorgias-json): 5,000 records\nread exports/summer-tickets.json (gorgias-json): 5,000 records\n');
  });

  it('says how many distinct answers are judged, at each tenth', () => {
    const out = stream();
    const progress = judgeProgress(out, { now: () => 0 });
    for (let done = 64; done < 1280; done += 64) progress({ done, total: 1280 });
    progress({ done: 1280, total: 1280 });
    expect(out.text.trimEnd().split('\n')).toEqual(['judging: 64/1,280 answers (5%)', ...Array.from({ length: 10 }, (_, index) => `judging: ${((index + 1) * 128).toLocaleString('en-US')}/1,280 answers (${(index + 1) * 10}%)`)]);
  });

  it('keeps the one-line display on a terminal', () => {
    const out = stream(true);
    replayProgress(out)({ done: 1, total: 2 });
    expect(out.text).toMatch(/^\r\x1b\[Kreplay: 1\/2 tickets/);
    judgeProgress(out)({ done: 1, total: 2 });
    expect(out.text).toMatch(/\r\x1b\[Kjudging: 1\/2 answers, [\d.]+ answers\/s/);
  });
});

import { describe, expect, it } from 'vitest';
import { progressLine, pullProgressPrinter } from '../../../pipelines/pull/progress.ts';

const progress = { stream: 'tickets', records: 12_500, streamsDone: 0, streams: 4 };

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream, written };
}

describe('pull progress', () => {
  it('shows records/s, a bar and the time left once the position in the window is known', () => {
    expect(progressLine({ ...progress, progress: 0.25 }, 410.4, 30, true)).toBe('tickets (0/4 streams done), 12,500 records, 410 records/s, [######------------------] 25 %, 1 min 30 s left');
    expect(progressLine({ ...progress, progress: 0.25 }, 410.4, 30, false)).toBe('tickets (0/4 streams done), 12,500 records, 410 records/s, 25 %, 1 min 30 s left');
    expect(progressLine(progress, 0, 0, true)).toBe('tickets (0/4 streams done), 12,500 records, 0 records/s');
  });

  it('redraws one line on a terminal and ends it once every stream is done', () => {
    const { stream, written } = fakeStream(true);
    const print = pullProgressPrinter(stream);
    print(progress);
    print({ ...progress, streamsDone: 4 });
    print({ ...progress, streamsDone: 4 });
    expect(written.filter((text) => text.startsWith('\r\x1b[K'))).toHaveLength(2);
    expect(written.at(-1)).toBe('\n');
  });

  it('writes plain lines, spaced out, elsewhere', () => {
    const { stream, written } = fakeStream(false);
    const print = pullProgressPrinter(stream, 60_000);
    print(progress);
    print({ ...progress, records: 13_000 });
    print({ ...progress, streamsDone: 4 });
    expect(written).toHaveLength(2);
    expect(written.every((line) => line.startsWith('pull: ') && line.endsWith('\n') && !line.includes('\r'))).toBe(true);
  });

  it('writes a plain line per stream started and per tenth of a window, as the other long commands do', () => {
    const { stream, written } = fakeStream(false);
    const print = pullProgressPrinter(stream, 60_000);
    for (let percent = 0; percent <= 100; percent += 5) print({ ...progress, progress: percent / 100 });
    print({ ...progress, stream: 'orders', streamsDone: 1, progress: 0 });
    expect(written.map((line) => /(\w+) \(\d\/4 streams done\).* (\d+) %/.exec(line)?.slice(1).join(' '))).toEqual([
      ...[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((percent) => `tickets ${percent}`),
      'orders 0',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { batching, createGate } from '../../pipelines/batching.ts';

/** Requests made together answered by one call, each its own answer. */

describe('requests answered in batches', () => {
  const echo = () => {
    const calls: string[][] = [];
    const ask = batching(async (requests: string[]) => {
      calls.push(requests);
      return requests.map((request) => request.toUpperCase());
    }, { size: 3, waitMs: 5 });
    return { calls, ask };
  };

  it('answers requests made together with one call, each with its own answer, in order (English and French)', async () => {
    const { calls, ask } = echo();
    expect(await Promise.all([ask('where is my order'), ask('où est ma commande')])).toEqual(['WHERE IS MY ORDER', 'OÙ EST MA COMMANDE']);
    expect(calls).toEqual([['where is my order', 'où est ma commande']]);
  });

  it('sends a batch as soon as it is full, and the rest after the wait (English and French)', async () => {
    const { calls, ask } = echo();
    const answers = await Promise.all(['refund', 'remboursement', 'delivery', 'livraison'].map(ask));
    expect(answers).toEqual(['REFUND', 'REMBOURSEMENT', 'DELIVERY', 'LIVRAISON']);
    expect(calls).toEqual([['refund', 'remboursement', 'delivery'], ['livraison']]);
  });

  it('answers a request made after the wait in a batch of its own (English and French)', async () => {
    const { calls, ask } = echo();
    expect(await ask('returns')).toBe('RETURNS');
    expect(await ask('retours')).toBe('RETOURS');
    expect(calls).toEqual([['returns'], ['retours']]);
  });

  it('with no wait, answers the requests of one turn of the event loop together and a later one apart (English and French)', async () => {
    const calls: string[][] = [];
    const ask = batching(async (requests: string[]) => {
      calls.push(requests);
      return requests.map((request) => request.length);
    }, { size: 10, waitMs: 0 });
    const first = Promise.all([ask('refund'), ask('remboursement')]);
    // A request made from a resolved promise is still of this turn.
    const chained = Promise.resolve().then(() => ask('livraison'));
    expect(await Promise.all([first, chained])).toEqual([[6, 13], 9]);
    expect(await ask('delivery')).toBe(8);
    expect(calls).toEqual([['refund', 'remboursement', 'livraison'], ['delivery']]);
  });

  it('fails every request of a batch whose call fails, and answers the next batch (English and French)', async () => {
    let fail = true;
    const ask = batching(async (requests: string[]) => {
      if (fail) throw new Error('index unreadable');
      return requests;
    }, { size: 4, waitMs: 1 });
    const failed = await Promise.allSettled([ask('warranty'), ask('garantie')]);
    expect(failed.map((result) => result.status === 'rejected' && (result.reason as Error).message)).toEqual(['index unreadable', 'index unreadable']);
    fail = false;
    expect(await ask('garantie')).toBe('garantie');
  });

  it('fails the batch when the call throws before it returns a promise (English and French)', async () => {
    const ask = batching((): Promise<string[]> => {
      throw new Error('no table');
    }, { size: 2, waitMs: 1 });
    await expect(Promise.all([ask('shipping'), ask('expédition')])).rejects.toThrow('no table');
  });
});

describe('tasks let through a gate a few at a time', () => {
  it('runs at most `limit` at once, each to its own result, the waiting ones in the order they came (English and French)', async () => {
    const inTurn = createGate(2);
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const task = (question: string) => async () => {
      started.push(question);
      most = Math.max(most, ++running);
      await sleep(5);
      running--;
      return question.length;
    };
    const questions = ['where is my order', 'où est ma commande', 'refund', 'remboursement', 'livraison'];
    expect(await Promise.all(questions.map((question) => inTurn(task(question))))).toEqual(questions.map((question) => question.length));
    expect(most).toBe(2);
    expect(started).toEqual(questions);
  });

  it('lets the next task in when one fails, and the failure reaches its caller only (English and French)', async () => {
    const inTurn = createGate(1);
    const failed = inTurn(async () => {
      throw new Error('index unreadable / index illisible');
    });
    const next = inTurn(async () => 'retours');
    await expect(failed).rejects.toThrow('index unreadable / index illisible');
    expect(await next).toBe('retours');
  });
});

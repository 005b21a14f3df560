import { type Renewal, RenewalBatcher } from './renewalBatch';

const renewal = (siteId: string, now = 1): Renewal => ({ siteId, terms: 't', now, expiresAt: now + 10 });

describe('RenewalBatcher', () => {
  it('sends the renewals that arrive together as one batch, and answers each from it', async () => {
    const batches: string[][] = [];
    const batcher = new RenewalBatcher<string>(
      async batch => {
        batches.push(batch.map(r => r.siteId));
        return new Map(batch.filter(r => r.siteId !== 'gone').map(r => [r.siteId, `renewed ${r.siteId}`]));
      },
      { maxBatch: 100, maxInFlight: 1 },
    );
    const answers = await Promise.all(['a', 'b', 'gone', 'c'].map(s => batcher.renew(renewal(s))));
    expect(answers).toEqual(['renewed a', 'renewed b', undefined, 'renewed c']);
    expect(batches).toEqual([['a', 'b', 'gone', 'c']]);
  });

  it('holds each site once per batch, keeps at most maxBatch, and waits for the batches in flight', async () => {
    const batches: string[][] = [];
    let inFlight = 0;
    let most = 0;
    const batcher = new RenewalBatcher<number>(
      async batch => {
        inFlight++;
        most = Math.max(most, inFlight);
        batches.push(batch.map(r => r.siteId));
        await new Promise(r => setTimeout(r, 5));
        inFlight--;
        return new Map(batch.map(r => [r.siteId, r.now]));
      },
      { maxBatch: 3, maxInFlight: 2 },
    );
    const sites = ['a', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const answers = await Promise.all(sites.map((s, i) => batcher.renew(renewal(s, i))));
    expect(answers).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBeLessThanOrEqual(2);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(3);
      expect(new Set(b).size).toBe(b.length);
    }
    expect(batches.flat().sort()).toEqual([...sites].sort());
  });

  it('fails every renewal of a batch whose statement failed, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new RenewalBatcher<number>(
      async batch => {
        if (calls++ === 0) throw new Error('database down');
        return new Map(batch.map(r => [r.siteId, 1]));
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const first = await Promise.allSettled([batcher.renew(renewal('a')), batcher.renew(renewal('b'))]);
    expect(first.map(r => r.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.renew(renewal('a'))).resolves.toBe(1);
  });
});

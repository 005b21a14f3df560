/** One unchanged renewal waiting for its statement. */
export interface Renewal {
  siteId: string;
  terms: string;
  now: number;
  expiresAt: number;
}

type Pending<R> = Renewal & { resolve(row: R | undefined): void; reject(e: unknown): void };

/**
 * Group renewal: the unchanged renewals that arrive while the database is
 * busy go out together as one statement (and one commit) instead of one
 * each, so a license server's database does per renewal a fraction of the
 * work. A renewal waits at most for the statements already in flight. Each
 * row is still judged by its own conditions in the statement; a batch holds
 * each site once (a second renewal of the same site waits for the next one).
 */
export class RenewalBatcher<R> {
  private readonly queue: Array<Pending<R>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (batch: readonly Renewal[]) => Promise<Map<string, R>>,
    private readonly options: { maxBatch: number; maxInFlight: number },
  ) {}

  renew(renewal: Renewal): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...renewal, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Whatever arrived in this turn of the event loop goes together.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    const batch: Array<Pending<R>> = [];
    const sites = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.options.maxBatch; ) {
      const item = this.queue[i];
      if (sites.has(item.siteId)) {
        i++;
        continue;
      }
      sites.add(item.siteId);
      batch.push(item);
      this.queue.splice(i, 1);
    }
    if (batch.length === 0) return;
    this.inFlight++;
    this.run(batch).then(
      rows => {
        for (const item of batch) item.resolve(rows.get(item.siteId));
      },
      e => {
        for (const item of batch) item.reject(e);
      },
    ).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    this.schedule();
  }
}

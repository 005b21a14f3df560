/*
 * What the fuzz tests (*.fuzz.test.ts) share: how many inputs, the time bound
 * per input, the memory bound, and a report of what was seen. In `npm test`
 * each property runs FUZZ_RUNS inputs (300 by default); `npm run fuzz` runs
 * 10,000 and prints the report (FUZZ_REPORT). Not exported from the package.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Inputs per property. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/**
 * The most CPU time one input may take, in ms. CPU time, not wall time: the
 * test machine is shared, and time spent waiting for a core is not the
 * input's. The first inputs of a property warm up the JIT and are not held
 * to it.
 */
export const MAX_MS = Number(process.env.FUZZ_MAX_MS ?? 50);
const WARM_UP = 10;
/** The most the heap may grow over a whole property, after garbage collection. */
export const MAX_HEAP_GROWTH = 64 * 1024 * 1024;
/** A jest timeout for one property of RUNS inputs. */
export const TIMEOUT = 60_000 + RUNS * 30;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heap = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** What a property saw, for the report. */
export class FuzzStats {
  inputs = 0;
  accepted = 0;
  refused = 0;
  crashes = 0;
  forgeries = 0;
  /** The most CPU time one input took, warm-up excluded. */
  maxMs = 0;
  /** The most wall time one input took, warm-up excluded. */
  maxWallMs = 0;
  /** Inputs over the bound once and timed again (a garbage collection, mostly). */
  retried = 0;
  private started = Date.now();
  private heapBefore = heap();

  constructor(readonly name: string) {}

  /**
   * Runs one input and times it; fails when it takes more CPU time than
   * MAX_MS twice in a row (once may be a garbage collection or the JIT; an
   * input that is slow is slow again). `run` must be free of side effects.
   */
  async time<T>(run: () => Promise<T>): Promise<T> {
    this.inputs += 1;
    let result = await this.measure(run);
    if (this.inputs > WARM_UP && result.ms > MAX_MS) {
      this.retried += 1;
      gc();
      result = await this.measure(run);
      if (result.ms > MAX_MS) {
        throw new Error(`${this.name}: one input took ${result.ms.toFixed(1)} ms of CPU twice (bound ${MAX_MS} ms)`);
      }
    }
    if (this.inputs > WARM_UP) {
      this.maxMs = Math.max(this.maxMs, result.ms);
      this.maxWallMs = Math.max(this.maxWallMs, result.wallMs);
    }
    return result.value;
  }

  private async measure<T>(run: () => Promise<T>) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const value = await run();
    const used = process.cpuUsage(cpu);
    return { value, ms: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
  }

  /** Checks the heap after the property and prints the report when asked to. */
  finish(): void {
    const grown = heap() - this.heapBefore;
    if (process.env.FUZZ_REPORT) {
      // eslint-disable-next-line no-console
      console.log(
        `FUZZ ${this.name}: ${this.inputs} inputs in ${((Date.now() - this.started) / 1000).toFixed(1)} s, ` +
          `accepted ${this.accepted}, refused ${this.refused}, crashes ${this.crashes}, forgeries ${this.forgeries}, ` +
          `max ${this.maxMs.toFixed(1)} ms CPU (${this.maxWallMs.toFixed(1)} ms wall) per input, ${this.retried} timed twice, heap ${(grown / 1048576).toFixed(1)} MiB after`,
      );
    }
    expect(this.crashes).toBe(0);
    expect(this.forgeries).toBe(0);
    expect(grown).toBeLessThan(MAX_HEAP_GROWTH);
  }
}

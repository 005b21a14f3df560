import {
  isUsageFigure,
  LicenseError,
  recordDetail,
  type LicenseStatus,
} from '@backstage-licensing/plugin-license-management-common';
import type { Actor, WriteContext } from './writeContext';

const iso = (ms: number) => new Date(ms).toISOString();

/** The answer to an acknowledged clock fault. Times are ISO-8601. */
export interface ClockAcknowledgement {
  previousHighWaterMark: string;
  highWaterMark: string;
  status: LicenseStatus;
}

/**
 * An admin confirms a clock fault (the clock was wrong, e.g. years ahead,
 * and is right now): the high-water mark is reset to the current time, on
 * every replica within a sync. Recorded. Returns the mark it replaced.
 */
export async function acknowledgeClock(ctx: WriteContext, actor: Actor): Promise<{ previous: number; now: number }> {
  const { snapshot: s } = ctx;
  const now = ctx.clock();
  const previous = await ctx.sync.serialized(async () => {
    const replaced = await ctx.store.resetHighWater(now, prev => [
      {
        time: now,
        action: 'clock',
        actor,
        detail: `clock fault acknowledged: the high-water mark was reset from ${iso(prev)} to ${iso(now)}`,
      },
    ]);
    s.mark.anchorAt(now, now, s.options.monotonic());
    s.highWater = now;
    return replaced;
  });
  await ctx.sync.reloadAfterWrite();
  return { previous, now };
}

/** Re-reads licenses (verifying every token again) and records the outcome. */
export async function reloadLicenses(ctx: WriteContext, actor: Actor, status: () => LicenseStatus): Promise<LicenseStatus> {
  const { snapshot: s } = ctx;
  await ctx.sync.sync(true);
  const current = status();
  await ctx.store.appendRecords([
    {
      time: ctx.clock(),
      action: 'reload',
      actor,
      state: current.base?.state,
      type: current.base ? 'base' : undefined,
      item: current.edition,
      detail: recordDetail(
        `${s.licenses.length} license(s) installed; portal ${current.state}${
          s.tampered.length ? `; ${s.tampered.length} tampered: ${s.tampered.map(t => t.id).join(', ')}` : ''
        }${current.usbKey.enabled ? `; USB key ${current.usbKey.status}${current.usbKey.keyId ? ` (${current.usbKey.keyId})` : ''}` : ''}`,
      ),
    },
  ]);
  return current;
}

/**
 * Stores one reporter's current use of a metric (a metric's use is the sum
 * over reporters) and reloads when it changed. LicenseError('invalid') for a
 * metric the catalog does not know or a figure that is not an integer ≥ 0.
 */
export async function reportUsage(ctx: WriteContext, metric: string, used: number, reporter: Actor): Promise<void> {
  if (!ctx.catalog.isMetric(metric)) {
    throw new LicenseError('invalid', `Unknown metric '${metric}'. Known metrics: ${ctx.catalog.metricIds.join(', ')}.`);
  }
  if (!isUsageFigure(used)) {
    throw new LicenseError('invalid', `The use of '${metric}' must be an integer of 0 or more; got ${JSON.stringify(used)}.`);
  }
  if (await ctx.store.setUsage(metric, used, ctx.clock(), reporter)) {
    await ctx.sync.reloadAfterWrite();
  }
}

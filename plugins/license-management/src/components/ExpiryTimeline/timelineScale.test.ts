import { DAY_MS as DAY } from '@backstage-licensing/plugin-license-management-common';
import { timelineScale } from './timelineScale';

describe('timelineScale', () => {
  const now = Date.UTC(2030, 5, 15);

  it('spans every license and today, with month ticks', () => {
    const scale = timelineScale([{ id: 'a', start: now - 100 * DAY, end: now + 365 * DAY }], now);
    expect(scale.from).toBeLessThan(now - 100 * DAY);
    expect(scale.to).toBeGreaterThan(now + 365 * DAY);
    expect(scale.percent(now)).toBeGreaterThan(0);
    expect(scale.percent(now)).toBeLessThan(100);
    expect(scale.ticks.length).toBeGreaterThan(1);
    expect(scale.ticks.length).toBeLessThanOrEqual(8);
    for (const t of scale.ticks) expect(new Date(t).getDate()).toBe(1);
  });

  it('keeps at most a handful of ticks over many years', () => {
    const scale = timelineScale([{ id: 'a', start: now, end: now + 10 * 365 * DAY }], now);
    expect(scale.ticks.length).toBeLessThanOrEqual(8);
  });

  it('clamps to the axis', () => {
    const scale = timelineScale([], now);
    expect(scale.percent(now - 1000 * DAY)).toBe(0);
    expect(scale.percent(now + 1000 * DAY)).toBe(100);
  });
});

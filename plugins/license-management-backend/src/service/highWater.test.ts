import { DAY_MS } from '@backstage-licensing/plugin-license-management-common';
import { describeDuration, HighWaterMark } from './highWater';

const T0 = Date.UTC(2026, 5, 1);
const DAY = DAY_MS;

describe('HighWaterMark', () => {
  it('proposes the wall clock before its first raise', () => {
    const m = new HighWaterMark();
    expect(m.anchored).toBe(false);
    expect(m.candidate(T0, 5)).toBe(T0);
    expect(m.drift(T0, 5)).toBe(0);
  });

  it('advances by the time seen to pass, never beyond the wall clock', () => {
    const m = new HighWaterMark();
    m.anchorAt(T0, T0, 1000);
    expect(m.candidate(T0 + 60_000, 61_000)).toBe(T0 + 60_000);
    // The wall clock jumps two years: only the minute seen to pass counts.
    expect(m.candidate(T0 + 730 * DAY, 61_000)).toBe(T0 + 60_000);
    expect(m.drift(T0 + 730 * DAY, 61_000)).toBe(730 * DAY - 60_000);
    // A wall clock that is behind proposes nothing beyond itself.
    expect(m.candidate(T0 - DAY, 61_000)).toBe(T0 - DAY);
    expect(m.drift(T0 - DAY, 61_000)).toBe(-DAY - 60_000);
  });

  it('counts from the mark it last stored, whichever replica raised it', () => {
    const m = new HighWaterMark();
    m.anchorAt(T0, T0, 0);
    m.anchorAt(T0 + 5000, T0 + 1000, 1000);
    expect(m.candidate(T0 + 100_000, 2000.7)).toBe(T0 + 6000);
  });

  it('knows the wall clock as it would read without a jump since the replica started', () => {
    const m = new HighWaterMark();
    expect(m.seenWall(T0, 0)).toBe(T0);
    m.anchorAt(T0, T0, 0);
    m.anchorAt(T0 + 1000, T0 + 1000, 1000);
    expect(m.seenWall(T0 + 730 * DAY, 2000)).toBe(T0 + 2000);
  });
});

describe('describeDuration', () => {
  it('names the largest unit, rounded', () => {
    expect(describeDuration(730 * DAY - 60_000)).toBe('2 years');
    expect(describeDuration(-2 * DAY)).toBe('2 days');
    expect(describeDuration(3_600_000)).toBe('1 hour');
    expect(describeDuration(90_000)).toBe('2 minutes');
    expect(describeDuration(500)).toBe('500 ms');
  });
});

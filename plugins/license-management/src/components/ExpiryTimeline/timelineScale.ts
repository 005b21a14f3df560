import { DAY_MS } from '@backstage-licensing/plugin-license-management-common';

export interface TimelineSpan {
  id: string;
  start: number;
  end: number;
}

export interface TimelineScale {
  from: number;
  to: number;
  /** 0–100: where a time lies on the axis. */
  percent(time: number): number;
  ticks: number[];
}

/**
 * The axis of the expiry timeline: from a little before the earliest start
 * (or a month before now) to a little after the latest end (or two months
 * after now), with at most `maxTicks` ticks on month boundaries.
 */
export function timelineScale(spans: TimelineSpan[], now: number, maxTicks = 7): TimelineScale {
  const starts = spans.map(s => s.start);
  const ends = spans.map(s => s.end);
  let from = Math.min(now - 30 * DAY_MS, ...starts);
  let to = Math.max(now + 60 * DAY_MS, ...ends);
  const pad = (to - from) * 0.03;
  from -= pad;
  to += pad;
  const percent = (t: number) => Math.min(100, Math.max(0, ((t - from) / (to - from)) * 100));

  const months = (to - from) / (30.44 * DAY_MS);
  const step = [1, 2, 3, 6, 12, 24, 60, 120].find(m => months / m <= maxTicks) ?? 120;
  const ticks: number[] = [];
  const d = new Date(from);
  let cursor = new Date(d.getFullYear(), d.getMonth() + 1, 1);
  if (step >= 12) cursor = new Date(d.getFullYear() + 1, 0, 1);
  while (cursor.getTime() < to) {
    ticks.push(cursor.getTime());
    cursor = new Date(cursor.getFullYear(), cursor.getMonth() + step, 1);
  }
  return { from, to, percent, ticks };
}

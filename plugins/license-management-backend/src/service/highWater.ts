import { DAY_MS } from '@backstage-licensing/plugin-license-management-common';

/**
 * One replica's view of the clock high-water mark: the latest time the
 * installation has seen. The mark advances only by time this replica has
 * SEEN pass — measured with a monotonic clock, which no one can set — and
 * never beyond the wall clock. So a wall clock that jumps forward (a
 * mis-set clock, a faulty NTP server, a licensee trying dates) does not drag
 * the mark along; when the clock comes back, nothing is locked.
 *
 * Time during which no replica ran is not seen to pass: after a downtime
 * the mark stays behind the wall clock by that downtime (a clock turned back
 * by less than that is not noticed; see THREATS.md).
 */
export class HighWaterMark {
  private anchor?: { mark: number; wall: number; mono: number };
  /** The wall clock when this replica first read the mark, and the monotonic clock then. */
  private origin?: { wall: number; mono: number };

  /** Whether this replica has read the mark yet. */
  get anchored(): boolean {
    return this.anchor !== undefined;
  }

  /**
   * The mark this replica may propose at (`wall`, `mono`): the mark at its
   * last raise plus the monotonic time since, capped by the wall clock (a
   * clock that is behind proposes nothing new).
   */
  candidate(wall: number, mono: number): number {
    if (!this.anchor) return wall;
    const seen = this.anchor.mark + Math.floor(Math.max(0, mono - this.anchor.mono));
    return Math.min(wall, seen);
  }

  /**
   * How far the wall clock moved beyond (positive) or short of (negative)
   * the monotonic time since the last raise: a clock jump when it exceeds
   * the tolerance. 0 before the first raise.
   */
  drift(wall: number, mono: number): number {
    if (!this.anchor) return 0;
    return wall - this.anchor.wall - (mono - this.anchor.mono);
  }

  /**
   * The wall clock as this replica would read it had it not jumped since the
   * replica started: its wall clock at start plus the time seen to pass since.
   */
  seenWall(wall: number, mono: number): number {
    return this.origin ? this.origin.wall + Math.floor(mono - this.origin.mono) : wall;
  }

  /** Remembers the mark as stored after a raise (or a reset), with both clocks. */
  anchorAt(mark: number, wall: number, mono: number): void {
    this.anchor = { mark, wall, mono };
    this.origin ??= { wall, mono };
  }
}

/** "2 years", "3 days", "5 hours", "12 minutes", "40 seconds": in the largest unit that fits, rounded. */
export function describeDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['year', 365 * DAY_MS],
    ['day', DAY_MS],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ];
  const abs = Math.abs(ms);
  for (const [name, size] of units) {
    if (abs >= size) {
      const n = Math.round(abs / size);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.round(abs)} ms`;
}

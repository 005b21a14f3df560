/** Small statistics and formatting helpers for the benchmarks. */

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Milliseconds since `start` (from process.hrtime.bigint()). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Prints a section title. */
export function section(title: string) {
  // eslint-disable-next-line no-console
  console.log(`\n## ${title}\n`);
}

/** Prints a markdown table. */
export function table(header: string[], rows: Array<Array<string | number>>) {
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.join(' | ')} |`),
  ];
  // eslint-disable-next-line no-console
  console.log(lines.join('\n'));
}

export function log(...args: unknown[]) {
  // eslint-disable-next-line no-console
  console.log(...args);
}

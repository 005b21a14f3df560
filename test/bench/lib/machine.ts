import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a benchmark ran on, for BENCHMARKS.md. */
export function machine(): Record<string, string> {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find(l => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1].trim();
  } catch {
    // not Linux
  }
  return {
    cpus: `${os.availableParallelism?.() ?? os.cpus().length} (nproc)`,
    cpu,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

export function printMachine() {
  const m = machine();
  // eslint-disable-next-line no-console
  console.log(Object.entries(m).map(([k, v]) => `- ${k}: ${v}`).join('\n'));
}

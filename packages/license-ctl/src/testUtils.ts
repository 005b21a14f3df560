import { run } from './index';

/** Runs license-ctl in-process; returns the exit code, stdout and the stderr lines. */
export async function cli(...argv: string[]) {
  const out: string[] = [];
  const errText: string[] = [];
  const code = await run(argv, { out: { line: s => out.push(s) }, err: { write: s => errText.push(s) } });
  const err = errText.join('').split('\n').filter(l => l.trim() !== '');
  return { code, out: out.join('\n'), err };
}

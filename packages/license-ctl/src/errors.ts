/** A failure to report in one line; exit code 1. */
export class CliError extends Error {
  name = 'CliError';
}

/**
 * The backend refused a change that would downgrade the licenses in force
 * (409 with `consequences`); exit code 1. The message is the error line; the
 * consequences, one per line, and what to do follow it.
 */
export class DowngradeRefusedError extends CliError {
  constructor(
    message: string,
    readonly consequences: string[],
    readonly hint = 'Re-run with --acknowledge to accept these consequences.',
  ) {
    super(message);
  }

  /** The lines after the error line: each consequence (whatever the server's text holds, one line each), then the hint. */
  get details(): string[] {
    return [...this.consequences.map(c => `  - ${c.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`), this.hint];
  }
}

/** Bad usage; exit code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

/** A failure to report in one line; exit code 1. */
export class CliError extends Error {
  name = 'CliError';
}

/** Bad usage; exit code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

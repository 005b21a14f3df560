import { ResponseError } from '@backstage/errors';
import { LICENSE_FILE_LIMITS } from '@backstage-licensing/plugin-license-management-common';

export interface LicenseApiProblem {
  /** What went wrong, in plain words (the server's message when it sent one). */
  message: string;
  /** What to do about it. */
  hint?: string;
}

/** Turns any failure of the License Management API into plain words and a next step. */
export function describeError(error: unknown): LicenseApiProblem {
  if (ResponseError.is(error)) {
    const serverMessage = error.cause?.message && error.cause.message !== error.message ? error.cause.message : undefined;
    switch (error.statusCode) {
      case 401:
        return { message: 'Your session has expired.', hint: 'Sign in again, then retry.' };
      case 403:
        return {
          message: serverMessage ?? 'You are not allowed to do this.',
          hint: serverMessage ? undefined : 'Ask a portal admin for the License Management admin permission.',
        };
      case 404:
        if (error.cause?.name === 'NotFoundError' && serverMessage) return { message: serverMessage };
        return {
          message: 'The License Management backend was not found.',
          hint: 'Check that the license-management backend plugin is installed in the portal backend.',
        };
      case 413:
        return {
          message: serverMessage ?? 'The file is too large.',
          hint: `A license file may be at most ${LICENSE_FILE_LIMITS.maxUploadBytes / 1024 / 1024} MiB: check that you picked the license file the vendor sent.`,
        };
      default:
        if (error.statusCode >= 500) {
          return {
            message: `The License Management backend failed (HTTP ${error.statusCode})${serverMessage ? `: ${serverMessage}` : '.'}`,
            hint: 'Try again in a moment; if it keeps failing, ask your platform team to check the backend logs.',
          };
        }
        return { message: serverMessage ?? `The request was refused (HTTP ${error.statusCode}).` };
    }
  }
  if (error instanceof TypeError || (error as Error)?.message === 'Failed to fetch') {
    return {
      message: 'Could not reach the License Management backend.',
      hint: 'Check your network and that the portal backend is running, then try again.',
    };
  }
  if ((error as Error)?.name === 'AbortError') {
    return { message: 'Cancelled.' };
  }
  return { message: (error as Error)?.message || String(error) };
}

/** The problem as one sentence pair. */
export function problemText(error: unknown): string {
  const { message, hint } = describeError(error);
  return hint ? `${message} ${hint}` : message;
}

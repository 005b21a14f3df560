import { useCallback, useRef, useState } from 'react';

export interface BusyAction<A extends unknown[]> {
  /** Runs the action; resolves true when it succeeded (its failure is kept in `error`). */
  run: (...args: A) => Promise<boolean>;
  /** The action is running. */
  busy: boolean;
  /** Why the last run failed; undefined after a success or `reset`. */
  error: unknown;
  reset: () => void;
}

/**
 * The busy and error state of a button that calls the backend (upload,
 * refresh, request key, reinstate, delete): one run at a time, and the
 * failure kept to be shown.
 */
export function useBusyAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): BusyAction<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const running = useRef(false);
  const latest = useRef(action);
  latest.current = action;

  const run = useCallback(async (...args: A) => {
    if (running.current) return false;
    running.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await latest.current(...args);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => setError(undefined), []);
  return { run, busy, error, reset };
}

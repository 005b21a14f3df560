import { act, renderHook } from '@testing-library/react';
import { useBusyAction } from './useBusyAction';

describe('useBusyAction', () => {
  it('is busy while the action runs, runs it once at a time, and keeps a failure until the next run', async () => {
    let finish: () => void = () => {};
    const action = jest.fn(() => new Promise<void>(resolve => (finish = resolve)));
    const { result } = renderHook(() => useBusyAction(action));

    let first: Promise<boolean> = Promise.resolve(false);
    act(() => {
      first = result.current.run();
    });
    expect(result.current.busy).toBe(true);
    // A second click while busy does nothing.
    await act(async () => expect(await result.current.run()).toBe(false));
    expect(action).toHaveBeenCalledTimes(1);
    await act(async () => {
      finish();
      expect(await first).toBe(true);
    });
    expect(result.current).toMatchObject({ busy: false, error: undefined });

    action.mockRejectedValueOnce(new Error('Failed to fetch'));
    await act(async () => expect(await result.current.run()).toBe(false));
    expect(result.current.error).toEqual(new Error('Failed to fetch'));
    act(() => result.current.reset());
    expect(result.current.error).toBeUndefined();
  });
});

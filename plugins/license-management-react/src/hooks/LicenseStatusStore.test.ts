import type { LicenseManagementApi } from '../api';
import { communityStatus, validStatus, expiringStatus } from '../testUtils/fixtures';
import { LicenseStatusStore } from './LicenseStatusStore';

function fakeApi() {
  const api = {
    getStatus: jest.fn(async () => communityStatus()),
    check: jest.fn(async () => ({ allowed: true, code: 'OK' as const, message: 'Licensed.' })),
  };
  return api as typeof api & LicenseManagementApi;
}

describe('LicenseStatusStore', () => {
  it('reads the status once the first listener subscribes and tells every listener', async () => {
    const api = fakeApi();
    const store = new LicenseStatusStore(api, 60_000);
    const listener = jest.fn();
    const unsubscribe = store.subscribe(listener);
    await new Promise(r => setTimeout(r, 0));
    expect(api.getStatus).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toMatchObject({ loading: false, revision: 0, status: { state: 'community' } });
    expect(listener).toHaveBeenCalled();
    unsubscribe();
  });

  it('goes to a new revision only when the license picture changes, not when it is re-read', async () => {
    const api = fakeApi();
    const store = new LicenseStatusStore(api);
    await store.refresh();
    await store.refresh();
    expect(store.getSnapshot().revision).toBe(0);
    api.getStatus.mockResolvedValue(validStatus());
    await store.refresh();
    expect(store.getSnapshot().revision).toBe(1);
    api.getStatus.mockResolvedValue({ ...validStatus(), evaluatedAt: new Date(0).toISOString() });
    await store.refresh();
    expect(store.getSnapshot().revision).toBe(1);
    api.getStatus.mockResolvedValue(expiringStatus(10));
    await store.refresh();
    expect(store.getSnapshot().revision).toBe(2);
  });

  it('answers a check from its cache until the revision changes', async () => {
    const api = fakeApi();
    const store = new LicenseStatusStore(api);
    await store.refresh();
    await store.check({ feature: 'gpu' });
    await store.check({ feature: 'gpu' });
    await store.check({ feature: 'vmware' });
    expect(api.check).toHaveBeenCalledTimes(2);
    api.getStatus.mockResolvedValue(validStatus());
    await store.refresh();
    await store.check({ feature: 'gpu' });
    expect(api.check).toHaveBeenCalledTimes(3);
  });

  it('asks again after a failed check', async () => {
    const api = fakeApi();
    api.check.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const store = new LicenseStatusStore(api);
    await expect(store.check({ feature: 'gpu' })).rejects.toThrow('Failed to fetch');
    await expect(store.check({ feature: 'gpu' })).resolves.toMatchObject({ allowed: true });
  });

  it('keeps the last status when a re-read fails, and reports the failure', async () => {
    const api = fakeApi();
    const store = new LicenseStatusStore(api);
    await store.refresh();
    api.getStatus.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await store.refresh();
    expect(store.getSnapshot()).toMatchObject({ status: { state: 'community' }, error: expect.any(TypeError) });
  });

  it('ignores an older answer that arrives after a newer one', async () => {
    const api = fakeApi();
    let slow: (v: unknown) => void = () => {};
    api.getStatus.mockImplementationOnce(() => new Promise(r => (slow = r)) as never);
    api.getStatus.mockResolvedValueOnce(validStatus());
    const store = new LicenseStatusStore(api);
    const first = store.refresh();
    await store.refresh();
    slow(communityStatus());
    await first;
    expect(store.getSnapshot().status?.state).toBe('valid');
  });

  it('re-reads on a timer while someone listens, and stops after', async () => {
    jest.useFakeTimers();
    try {
      const api = fakeApi();
      const store = new LicenseStatusStore(api, 1_000);
      const unsubscribe = store.subscribe(() => {});
      expect(api.getStatus).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(3_000);
      expect(api.getStatus).toHaveBeenCalledTimes(4);
      unsubscribe();
      await jest.advanceTimersByTimeAsync(3_000);
      expect(api.getStatus).toHaveBeenCalledTimes(4);
    } finally {
      jest.useRealTimers();
    }
  });
});

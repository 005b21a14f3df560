import { createServiceFactory } from '@backstage/backend-plugin-api';
import { usbDeviceSourceFactoryServiceRef } from '../usbDeviceSourceRef';
import { FakeUsbSource, TEST_KEY_IDS } from './FakeUsbSource';

/** A backend feature that gives the plugin `source` as its USB bus; `created` counts the sources it was asked for. */
export function usbSourceFeature(source: FakeUsbSource, created = { count: 0 }) {
  return createServiceFactory({
    service: usbDeviceSourceFactoryServiceRef,
    deps: {},
    factory: () => ({
      create: () => {
        created.count++;
        return source;
      },
    }),
  });
}

/** `licenseManagement` config with USB key licensing on, for node `nodeId`: polls every 200 ms, nodes time out after 2 s. */
export const usbKeyConfig = (nodeId: string, over: Record<string, unknown> = {}) => ({
  usbKey: {
    enabled: true,
    devices: [TEST_KEY_IDS],
    nodeId,
    pollInterval: { milliseconds: 200 },
    nodeTimeout: { seconds: 2 },
    ...over,
  },
});

/** Waits until `condition` holds (every 10 ms); returns how long it took. Fails after `ms`. */
export async function within(ms: number, condition: () => Promise<boolean> | boolean): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise(r => setTimeout(r, 10));
  }
  return Date.now() - start;
}

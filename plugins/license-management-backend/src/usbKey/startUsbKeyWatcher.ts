import type { DatabaseService, LifecycleService, LoggerService } from '@backstage/backend-plugin-api';
import { KnexUsbKeyStore } from '../database/KnexUsbKeyStore';
import type { UsbDeviceSourceFactory } from './usbDeviceSourceRef';
import type { UsbKeySettings } from './usbKeyConfig';
import { UsbKeyWatcher } from './UsbKeyWatcher';

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

/**
 * Starts this node's USB key watcher when `licenseManagement.usbKey.enabled`
 * (after the plugin's migrations ran): it has looked once when this
 * resolves, so the engine starts with the key. Undefined when disabled.
 */
export async function startUsbKeyWatcher(options: {
  settings: UsbKeySettings;
  database: DatabaseService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  usbDevices: UsbDeviceSourceFactory;
  clock?: () => number;
}): Promise<UsbKeyWatcher | undefined> {
  const { settings, logger } = options;
  if (!settings.enabled) return undefined;
  const source = options.usbDevices.create({ devices: settings.devices, logger });
  const watcher = new UsbKeyWatcher({
    source,
    store: await KnexUsbKeyStore.create(options.database),
    settings,
    clock: options.clock ?? Date.now,
    logger,
  });
  logger.info(
    `USB key licensing is on: node '${settings.nodeId}' watches its USB bus for ${settings.devices
      .map(d => `${hex(d.vendorId)}:${hex(d.productId)}`)
      .join(', ')} every ${settings.pollIntervalMs} ms and on hot-plug events.`,
  );
  await watcher.start();
  options.lifecycle.addShutdownHook(async () => {
    watcher.stop();
    await source.close?.();
  });
  return watcher;
}

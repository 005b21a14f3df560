import {
  createServiceFactory,
  createServiceRef,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { createUsbDeviceSource } from '../usb';
import type { UsbDeviceSource } from '../usb/types';
import type { UsbKeyDeviceId } from './usbKeyConfig';

/** Makes the device source a management node watches: the `usb` driver, or a substitute (tests, simulations). */
export interface UsbDeviceSourceFactory {
  create(options: { devices: readonly UsbKeyDeviceId[]; logger: LoggerService }): UsbDeviceSource & { close?(): Promise<void> };
}

/**
 * The USB device source of the License Management plugin. Its default is
 * the driver on the `usb` package (src/usb); a test backend substitutes its
 * own with `createServiceFactory({ service: usbDeviceSourceFactoryServiceRef, ... })`.
 */
export const usbDeviceSourceFactoryServiceRef = createServiceRef<UsbDeviceSourceFactory>({
  id: 'license-management.usb-device-source',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => ({ create: ({ devices, logger }) => createUsbDeviceSource({ devices, logger }) }),
    }),
});

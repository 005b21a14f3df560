export type { UsbDeviceSource, UsbKeyDevice, UsbScan } from './types';
export {
  createUsbDeviceSource,
  type UsbDeviceSourceOptions,
  type UsbDriverSource,
} from './createUsbDeviceSource';
export type { UsbKeyIds } from './keyDevices';

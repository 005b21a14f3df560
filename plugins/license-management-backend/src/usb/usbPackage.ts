/**
 * Loads the `usb` package (usb@3, an optional dependency of the backend)
 * lazily, so a host where it is absent or its native module does not load
 * still starts: the failure becomes a reason in words, never a throw.
 */

/** What the driver uses of a device that usb@3 lists. */
export interface ListedUsbDevice {
  vendorId: number;
  productId: number;
  /** usb@3 reads it from sysfs (Linux); null or '' when the device has none. May throw. */
  readonly serialNumber: string | null;
}

/** usb@3's native hot-plug emitter (the one its WebUSB `connect`/`disconnect` events use). */
export interface HotplugEmitter {
  addAttach(callback: (device: unknown) => void): Promise<void>;
  removeAttach(): Promise<void>;
  addDetach(callback: (handle: unknown) => void): Promise<void>;
  removeDetach(): Promise<void>;
}

export interface UsbPackage {
  /** Every device on every bus, hubs included (usb@3's `usb.getDevices()`). */
  getDevices(): Promise<ListedUsbDevice[]>;
  /** Absent when the package has no native emitter: the source then only polls. */
  Emitter?: new () => HotplugEmitter;
}

export type LoadedUsbPackage =
  | { ok: true; usb: UsbPackage }
  | { ok: false; reason: string };

export const messageOf = (error: unknown) =>
  typeof (error as Error | undefined)?.message === 'string'
    ? (error as Error).message
    : String(error);

/**
 * `require('usb')` inside try/catch. Uses `usb` (every device allowed), not
 * `webusb`, whose getDevices() lists only devices granted through
 * requestDevice(). The hot-plug emitter is taken from the native binding
 * (`usb/index.js`) rather than through WebUSB's addEventListener, because
 * WebUSB rethrows a failure to subscribe from a timer (an uncaught
 * exception that would end the backend); here it is a promise we catch.
 */
export function loadUsbPackage(): LoadedUsbPackage {
  let usbModule: any;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    usbModule = require('usb');
  } catch (error) {
    return {
      ok: false,
      reason: `the usb package failed to load (${messageOf(
        error,
      )}); install the backend's optional dependency usb@3 for this platform (npm install usb) and restart the backend`,
    };
  }
  const api = usbModule?.usb;
  if (!api || typeof api.getDevices !== 'function') {
    return {
      ok: false,
      reason:
        'the installed usb package has no usb.getDevices(); the USB key needs usb@3 (npm install usb@3) and a restart of the backend',
    };
  }
  let Emitter: UsbPackage['Emitter'];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const native = require('usb/index.js');
    if (typeof native?.Emitter === 'function') Emitter = native.Emitter;
  } catch {
    // No events: the poll still finds every change.
  }
  return {
    ok: true,
    usb: { getDevices: () => api.getDevices(), Emitter },
  };
}

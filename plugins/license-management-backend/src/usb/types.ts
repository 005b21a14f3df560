/**
 * What a management node sees on its own USB bus. The USB key watcher
 * (service) depends only on {@link UsbDeviceSource}; the driver on the `usb`
 * package implements it, and tests substitute their own.
 */

/** A USB device that matches one of the configured `devices` ({ vendorId, productId }). */
export interface UsbKeyDevice {
  vendorId: number;
  productId: number;
  /** Its serial-number string: the Key ID. Absent when it could not be read (a fault). */
  serialNumber?: string;
  /** Why the serial could not be read, in words (set exactly when serialNumber is absent). */
  error?: string;
}

/** One look at the bus. */
export type UsbScan =
  | { available: true; devices: UsbKeyDevice[] }
  /** The host has no USB subsystem usable here (no bus, no permission, the driver failed to load). */
  | { available: false; reason: string };

export interface UsbDeviceSource {
  /** Lists the matching devices attached now. Never throws: an unusable host is `available: false`. */
  scan(): Promise<UsbScan>;
  /**
   * Calls `onChange` when a device is attached or detached (a hint to scan
   * again; the watcher also polls every `pollInterval` as the fallback).
   * Returns a function that stops watching. A source without hot-plug events
   * may never call it.
   */
  watch(onChange: () => void): () => void;
}

import { type Config, readDurationFromConfig } from '@backstage/config';
import os from 'node:os';

/** A USB device that is a license key: by its vendor and product ids. */
export interface UsbKeyDeviceId {
  vendorId: number;
  productId: number;
}

/** `licenseManagement.usbKey` (PRODUCT.md §2.7), checked. */
export interface UsbKeySettings {
  enabled: boolean;
  devices: UsbKeyDeviceId[];
  /** How often each node scans its bus (hot-plug events come in between). */
  pollIntervalMs: number;
  /** How long USB-key licenses stay in force after a fault began. */
  faultBufferMs: number;
  /** A node not seen for this long no longer counts. */
  nodeTimeoutMs: number;
  /** This node's id: `licenseManagement.usbKey.nodeId`, or the host name. */
  nodeId: string;
}

const SECOND = 1000;
const HOUR = 3_600_000;

/** The durations of `licenseManagement.usbKey`: default and range, in ms. */
export const USB_KEY_DURATIONS = {
  pollInterval: { default: 2 * SECOND, min: 100, max: 60 * SECOND, words: 'from 100 milliseconds to 60 seconds' },
  faultBuffer: { default: 72 * HOUR, min: 0, max: 30 * 24 * HOUR, words: 'from 0 to 30 days' },
  nodeTimeout: { default: 30 * SECOND, min: SECOND, max: HOUR, words: 'from 1 second to 1 hour' },
} as const;

const UNITS_MS: Record<string, number> = {
  milliseconds: 1,
  seconds: SECOND,
  minutes: 60 * SECOND,
  hours: HOUR,
  days: 24 * HOUR,
  weeks: 7 * 24 * HOUR,
};

/**
 * Reads `licenseManagement.usbKey`; throws an Error naming the key to fix.
 * Off by default. Vendor and product ids are integers from 0 to 0xffff.
 */
export function readUsbKeySettings(lm: Config | undefined, hostname: () => string = os.hostname): UsbKeySettings {
  const usb = lm?.getOptionalConfig('usbKey');
  const where = 'licenseManagement.usbKey';
  let enabled = false;
  try {
    enabled = usb?.getOptionalBoolean('enabled') ?? false;
  } catch {
    throw new Error(`${where}.enabled must be true or false.`);
  }
  const devices = (usb?.getOptionalConfigArray('devices') ?? []).map((d, i) => ({
    vendorId: readId(d, 'vendorId', `${where}.devices[${i}]`),
    productId: readId(d, 'productId', `${where}.devices[${i}]`),
  }));
  if (enabled && devices.length === 0) {
    throw new Error(
      `${where}.devices must list at least one USB key as { vendorId, productId } (e.g. { vendorId: 0x0781, productId: 0x5567 }; lsusb shows them as vendor:product) when ${where}.enabled is true.`,
    );
  }
  const pollIntervalMs = readDuration(usb, 'pollInterval');
  const faultBufferMs = readDuration(usb, 'faultBuffer');
  const nodeTimeoutMs = readDuration(usb, 'nodeTimeout');
  if (nodeTimeoutMs < 2 * pollIntervalMs) {
    throw new Error(
      `${where}.nodeTimeout (${nodeTimeoutMs} ms) must be at least twice ${where}.pollInterval (${pollIntervalMs} ms), or a node would time out between two of its own scans.`,
    );
  }
  let nodeId: string;
  try {
    nodeId = usb?.getOptionalString('nodeId') ?? hostname();
  } catch {
    throw new Error(`${where}.nodeId must be 1 to 200 printable characters; set it to the name of the host whose USB bus this backend reads.`);
  }
  // eslint-disable-next-line no-control-regex
  if (nodeId.trim() === '' || nodeId.length > 200 || /[\u0000-\u001f\u007f]/.test(nodeId)) {
    throw new Error(
      `${where}.nodeId must be 1 to 200 printable characters (it is ${JSON.stringify(nodeId.slice(0, 40))}); set it to the name of the host whose USB bus this backend reads.`,
    );
  }
  return { enabled, devices, pollIntervalMs, faultBufferMs, nodeTimeoutMs, nodeId };
}

function readId(d: Config, key: 'vendorId' | 'productId', where: string): number {
  const name = `${where}.${key}`;
  let value: number;
  try {
    value = d.getNumber(key);
  } catch {
    throw new Error(`${name} must be a number from 0 to 0xffff (e.g. 0x0781, or 1921); lsusb shows it in hexadecimal.`);
  }
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new Error(`${name} must be a whole number from 0 to 0xffff (65535); it is ${value}.`);
  }
  return value;
}

function readDuration(usb: Config | undefined, key: keyof typeof USB_KEY_DURATIONS): number {
  const range = USB_KEY_DURATIONS[key];
  const name = `licenseManagement.usbKey.${key}`;
  if (!usb?.has(key)) return range.default;
  let ms = 0;
  try {
    const duration = readDurationFromConfig(usb, { key }) as Record<string, number | undefined>;
    for (const [unit, n] of Object.entries(duration)) {
      if (n === undefined) continue;
      if (!(unit in UNITS_MS)) throw new Error(`'${unit}' is not a fixed length of time`);
      ms += n * UNITS_MS[unit];
    }
  } catch (e) {
    throw new Error(
      `${name} must be a duration such as { seconds: 2 } or { hours: 72 } (milliseconds, seconds, minutes, hours, days or weeks): ${(e as Error).message}`,
    );
  }
  if (!Number.isFinite(ms) || ms < range.min || ms > range.max) {
    throw new Error(`${name} must be ${range.words}; it is ${ms} ms.`);
  }
  return ms;
}

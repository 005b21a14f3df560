/**
 * Which listed devices are keys, and what each says as a key: its serial
 * number (the Key ID) or, when that cannot be read, why (a fault).
 */
import type { UsbKeyDevice } from './types';
import { messageOf, type ListedUsbDevice } from './usbPackage';

export interface UsbKeyIds {
  vendorId: number;
  productId: number;
}

export const hexIds = ({ vendorId, productId }: UsbKeyIds) =>
  `${hex(vendorId)}:${hex(productId)}`;

const hex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;

/** A key as the watcher sees it: ids, and the serial number or the reason it cannot be read. */
export function describeKey(device: ListedUsbDevice): UsbKeyDevice {
  const ids = { vendorId: device.vendorId, productId: device.productId };
  let serial: unknown;
  try {
    serial = device.serialNumber;
  } catch (error) {
    return {
      ...ids,
      error: `the serial number of the USB key ${hexIds(
        ids,
      )} cannot be read (${messageOf(
        error,
      )}); unplug it and plug it in again, or replace the key`,
    };
  }
  if (typeof serial === 'string' && serial.trim() !== '')
    return { ...ids, serialNumber: serial };
  return {
    ...ids,
    error: `the USB key ${hexIds(
      ids,
    )} presents no serial-number string (${JSON.stringify(
      serial ?? null,
    )}), so its Key ID cannot be read; unplug it and plug it in again, or replace the key`,
  };
}

/** The listed devices whose ids are configured, as keys, in a stable order. */
export function keysAmong(
  devices: readonly ListedUsbDevice[],
  ids: readonly UsbKeyIds[],
): UsbKeyDevice[] {
  return devices
    .filter(device =>
      ids.some(
        key =>
          key.vendorId === device.vendorId &&
          key.productId === device.productId,
      ),
    )
    .map(describeKey)
    .sort(
      (a, b) =>
        a.vendorId - b.vendorId ||
        a.productId - b.productId ||
        String(a.serialNumber ?? a.error).localeCompare(
          String(b.serialNumber ?? b.error),
        ),
    );
}

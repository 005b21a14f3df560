/**
 * One management node's scan as the USB key rule reads it (-common's
 * UsbNodeReading): readable serials as keys, seen since the first scan of an
 * unbroken run; devices without a readable serial as faults; an unusable bus
 * as `available: false` with the reason.
 */
import type { UsbScan } from '../../plugins/license-management-backend/src/usb';
import type { UsbNodeReading } from '../../plugins/license-management-common/src/usbKey';

export function nodeReading(
  node: string,
  scan: UsbScan,
  now: number,
  previous?: UsbNodeReading,
): UsbNodeReading {
  if (!scan.available)
    return {
      node,
      seenAt: now,
      available: false,
      reason: scan.reason,
      keys: [],
      faults: [],
    };
  const keySince = (serial: string) =>
    previous?.keys.find(k => k.serial === serial)?.since ?? now;
  const faultSince = previous?.faults[0]?.since ?? now;
  return {
    node,
    seenAt: now,
    available: true,
    keys: scan.devices.flatMap(d =>
      d.serialNumber !== undefined
        ? [{ serial: d.serialNumber, since: keySince(d.serialNumber) }]
        : [],
    ),
    faults: scan.devices.flatMap(d =>
      d.serialNumber === undefined
        ? [{ error: d.error ?? 'the serial number cannot be read', since: faultSince }]
        : [],
    ),
  };
}

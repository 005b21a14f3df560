import { isReadableSerial, type UsbNodeReading } from '@backstage-licensing/plugin-license-management-common';
import type { UsbKeyDevice, UsbScan } from '../usb/types';

const hex = (n: number) => n.toString(16).padStart(4, '0');
const idOf = (d: UsbKeyDevice) => `${hex(d.vendorId)}:${hex(d.productId)}`;

/**
 * This node's reading from one scan: readable serials, and devices whose
 * serial cannot be read (no serial, or an empty one), each with the time it
 * has been seen since without a break (from the node's previous reading), so
 * that a key moved between nodes can be told from a key on two nodes.
 */
export function readingOf(scan: UsbScan, previous: UsbNodeReading | undefined, node: string, now: number): UsbNodeReading {
  if (!scan.available) return { node, seenAt: now, available: false, reason: scan.reason, keys: [], faults: [] };
  const keys: UsbNodeReading['keys'] = [];
  const faults: UsbNodeReading['faults'] = [];
  for (const d of scan.devices) {
    if (d.serialNumber !== undefined && isReadableSerial(d.serialNumber)) {
      // Two devices with one serial are two keys (abnormal): both are kept.
      const earlier = previous?.keys.filter(k => k.serial === d.serialNumber) ?? [];
      const since = earlier[keys.filter(k => k.serial === d.serialNumber).length]?.since ?? now;
      keys.push({ serial: d.serialNumber, since });
    } else {
      const why = d.serialNumber !== undefined ? 'its serial number string is empty' : (d.error ?? 'its serial number cannot be read');
      const since = previous?.faults[faults.length]?.since ?? now;
      faults.push({ error: `device ${idOf(d)}: ${why}`, since });
    }
  }
  return { node, seenAt: now, available: true, keys, faults };
}

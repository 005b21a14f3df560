/**
 * The USB key status of one management node's scan, for the driver test.
 *
 * Interim: the project's USB status rule (a pure function in
 * plugins/license-management-common, issue 10) has not landed yet, so this
 * applies PRODUCT.md §1 to a single node: `ready` exactly one key with a
 * readable serial, `missing` none (or no usable bus), `abnormal` more than
 * one key, `fault` one key whose serial cannot be read. Switch the test to
 * the -common rule once it is committed.
 */
import type { UsbScan } from '../../plugins/license-management-backend/src/usb';

export type UsbKeyStatus = 'ready' | 'missing' | 'abnormal' | 'fault';

export function statusOfScan(scan: UsbScan): {
  status: UsbKeyStatus;
  keyId: string | null;
} {
  if (!scan.available || scan.devices.length === 0)
    return { status: 'missing', keyId: null };
  if (scan.devices.length > 1) return { status: 'abnormal', keyId: null };
  const [key] = scan.devices;
  return key.serialNumber
    ? { status: 'ready', keyId: key.serialNumber }
    : { status: 'fault', keyId: null };
}

/** The USB devices QEMU can hot-plug without host hardware. */
/**
 * QEMU 7.2's emulated USB devices that need no host hardware, and the ids
 * they present (fixed by QEMU: no property changes them; seen in the guest).
 * `usb-storage` is backed by a null-co block device and `usb-serial` by a
 * ringbuf chardev (with a null one it never attaches), created for each
 * plug. Without `serial=` QEMU gives each its own, e.g. "1-0000:00:01.0-2" (usb-kbd: "68284-…").
 */
export const EMULATED_DEVICES = [
  { driver: 'usb-storage', vendorId: 0x46f4, productId: 0x0001 }, // QEMU
  { driver: 'usb-serial', vendorId: 0x0403, productId: 0x6001 }, // FTDI FT232
  { driver: 'usb-kbd', vendorId: 0x0627, productId: 0x0001 }, // also usb-mouse, usb-tablet
  { driver: 'usb-wacom-tablet', vendorId: 0x056a, productId: 0x0000 },
  { driver: 'usb-ccid', vendorId: 0x08e6, productId: 0x4433 },
  { driver: 'usb-net', vendorId: 0x0525, productId: 0xa4a2 },
] as const;

/** The ids of an emulated usb-storage device: the test's key. */
export const USB_STORAGE_IDS = { vendorId: 0x46f4, productId: 0x0001 };

export type EmulatedDevice = (typeof EMULATED_DEVICES)[number];

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

/** The emulated device type that presents these ids, or an error that lists those QEMU has. */
export function emulatedDevice(
  vendorId: number,
  productId: number,
): EmulatedDevice {
  const type = EMULATED_DEVICES.find(
    d => d.vendorId === vendorId && d.productId === productId,
  );
  if (!type) {
    const known = EMULATED_DEVICES.map(
      d => `${hex(d.vendorId)}:${hex(d.productId)} (${d.driver})`,
    ).join(', ');
    throw new Error(
      `QEMU emulates no USB device ${hex(vendorId)}:${hex(
        productId,
      )}; it can present ${known}`,
    );
  }
  return type;
}

import type { UsbDeviceSource, UsbKeyDevice, UsbScan } from '../../usb/types';

/** The ids of the key the tests configure. */
export const TEST_KEY_IDS = { vendorId: 0x1234, productId: 0x5678 };

/**
 * A USB bus for tests: plug and unplug keys by serial (undefined: a device
 * whose serial cannot be read), or make the host have no usable bus. Sends
 * hot-plug hints unless `hints` is false; `scans` counts the looks.
 */
export class FakeUsbSource implements UsbDeviceSource {
  devices: UsbKeyDevice[] = [];
  unavailable?: string;
  /** Throw from scan() (a driver that breaks its promise never to throw). */
  broken = false;
  hints = true;
  scans = 0;
  private readonly listeners = new Set<() => void>();

  async scan(): Promise<UsbScan> {
    this.scans++;
    if (this.broken) throw new Error('LIBUSB_ERROR_OTHER');
    if (this.unavailable !== undefined) return { available: false, reason: this.unavailable };
    return { available: true, devices: this.devices.map(d => ({ ...d })) };
  }

  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => void this.listeners.delete(onChange);
  }

  plug(serial: string | undefined): void {
    this.devices.push(
      serial === undefined
        ? { ...TEST_KEY_IDS, error: 'its serial number string cannot be read (LIBUSB_ERROR_PIPE)' }
        : { ...TEST_KEY_IDS, serialNumber: serial },
    );
    this.hint();
  }

  unplug(serial?: string): void {
    this.devices = serial === undefined ? [] : this.devices.filter(d => d.serialNumber !== serial);
    this.hint();
  }

  hint(): void {
    if (this.hints) for (const l of this.listeners) l();
  }
}

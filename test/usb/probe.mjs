/**
 * Guest probe: polls usb@3's device list every PROBE_INTERVAL_MS (200) and
 * prints one JSON line whenever it changes:
 *   [{"vendorId":18164,"productId":1,"serialNumber":"LMK-0001"}, ...]
 * A device without a serial-number string has "error" instead of
 * "serialNumber"; a failed enumeration prints [{"error": "..."}].
 * Hubs (device class 9, e.g. the xHCI root hubs) are left out unless
 * PROBE_HUBS=1. The first line is printed after the first poll, so it also
 * says "the probe is running".
 *
 * PROBE_SERIAL=descriptor reads the serial number from the device itself
 * instead (open, GET_DESCRIPTOR device then string; once per attach), to
 * compare with usb@3's sysfs value.
 *
 * Uses `require('usb').usb` (allowAllDevices): `webusb.getDevices()` lists
 * only devices authorised through requestDevice(), i.e. none here.
 * usb@3 (nusb) reads devices and their strings from sysfs: no udevd, no
 * opening of the device.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const interval = Number(process.env.PROBE_INTERVAL_MS ?? 200);
const withHubs = process.env.PROBE_HUBS === '1';
const fromDescriptor = process.env.PROBE_SERIAL === 'descriptor';

let usb;
try {
  ({ usb } = require('usb'));
} catch (error) {
  console.log(
    JSON.stringify([{ error: `usb failed to load: ${error.message}` }]),
  );
  process.exit(1);
}

const GET_DESCRIPTOR = 6;
const getDescriptor = async (device, value, index, length) => {
  const result = await device.controlTransferIn(
    {
      requestType: 'standard',
      recipient: 'device',
      request: GET_DESCRIPTOR,
      value,
      index,
    },
    length,
  );
  if (result.status !== 'ok' || !result.data)
    throw new Error(`GET_DESCRIPTOR 0x${value.toString(16)}: ${result.status}`);
  return new Uint8Array(
    result.data.buffer,
    result.data.byteOffset,
    result.data.byteLength,
  );
};

/** The serial-number string read from the device: { serialNumber } or { error }. */
async function readSerialDescriptor(device) {
  try {
    await device.open();
    try {
      const deviceDescriptor = await getDescriptor(device, 0x0100, 0, 18);
      const index = deviceDescriptor[16];
      if (!index)
        return {
          error: 'the device has no serial-number string (iSerialNumber 0)',
        };
      const languages = await getDescriptor(device, 0x0300, 0, 255);
      const language =
        languages.length >= 4 ? languages[2] | (languages[3] << 8) : 0x0409;
      const string = await getDescriptor(device, 0x0300 | index, language, 255);
      const text = Buffer.from(string.subarray(2, string[0])).toString(
        'utf16le',
      );
      return text
        ? { serialNumber: text }
        : {
            error: `empty serial-number string descriptor (bLength ${string[0]})`,
          };
    } finally {
      await device.close().catch(() => undefined);
    }
  } catch (error) {
    return { error: `serial number unreadable: ${error.message}` };
  }
}

const descriptorSerials = new Map();
async function describeFromDescriptor(device) {
  const key = `${device.bus}:${device.address}`;
  if (!descriptorSerials.has(key))
    descriptorSerials.set(key, await readSerialDescriptor(device));
  return {
    vendorId: device.vendorId,
    productId: device.productId,
    ...descriptorSerials.get(key),
  };
}

function describe(device) {
  const entry = { vendorId: device.vendorId, productId: device.productId };
  try {
    const serial = device.serialNumber;
    if (typeof serial === 'string' && serial !== '')
      entry.serialNumber = serial;
    else entry.error = `no serial-number string (${JSON.stringify(serial)})`;
  } catch (error) {
    entry.error = `serial number unreadable: ${error.message}`;
  }
  return entry;
}

const order = (a, b) =>
  a.vendorId - b.vendorId ||
  a.productId - b.productId ||
  String(a.serialNumber ?? a.error).localeCompare(
    String(b.serialNumber ?? b.error),
  );

let last;
async function poll() {
  let snapshot;
  try {
    const devices = (await usb.getDevices()).filter(
      device => withHubs || device.deviceClass !== 9,
    );
    if (fromDescriptor) {
      const present = new Set(
        devices.map(device => `${device.bus}:${device.address}`),
      );
      for (const key of descriptorSerials.keys())
        if (!present.has(key)) descriptorSerials.delete(key);
    }
    snapshot = (
      fromDescriptor
        ? await Promise.all(devices.map(describeFromDescriptor))
        : devices.map(describe)
    ).sort(order);
  } catch (error) {
    snapshot = [{ error: error.message }];
  }
  const line = JSON.stringify(snapshot);
  if (line !== last) {
    last = line;
    process.stdout.write(`${line}\n`);
  }
  setTimeout(poll, interval);
}

poll();

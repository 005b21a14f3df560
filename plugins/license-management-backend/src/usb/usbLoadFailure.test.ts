import { createUsbDeviceSource } from './createUsbDeviceSource';

// The native module of usb@3 fails to load (no prebuilt binding for this
// platform, or the optional dependency is not installed).
jest.mock('usb', () => {
  throw new Error(
    'Cannot find native binding. npm has a bug related to optional dependencies',
  );
});

const KEY = { vendorId: 0x46f4, productId: 0x0001 };

it('answers unavailable with the reason and what to do, and logs it once, when the usb package fails to load', async () => {
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn() };
  const usb = createUsbDeviceSource({ devices: [KEY], logger });
  const reason =
    "the usb package failed to load (Cannot find native binding. npm has a bug related to optional dependencies); install the backend's optional dependency usb@3 for this platform (npm install usb) and restart the backend";
  await expect(usb.scan()).resolves.toEqual({ available: false, reason });
  await expect(usb.scan()).resolves.toEqual({ available: false, reason });
  expect(logger.warn.mock.calls).toEqual([
    [`USB key: the USB bus cannot be read: ${reason}`],
  ]);
});

it('watches without events and without throwing when the usb package fails to load', async () => {
  const usb = createUsbDeviceSource({ devices: [KEY] });
  const onChange = jest.fn();
  const unwatch = usb.watch(onChange);
  unwatch();
  await usb.close();
  expect(onChange).not.toHaveBeenCalled();
});

it('answers unavailable when a substituted loader throws', async () => {
  const usb = createUsbDeviceSource({
    devices: [KEY],
    loadUsb: () => {
      throw new Error('dlopen failed');
    },
  });
  await expect(usb.scan()).resolves.toEqual({
    available: false,
    reason: 'the usb package failed to load (dlopen failed)',
  });
});

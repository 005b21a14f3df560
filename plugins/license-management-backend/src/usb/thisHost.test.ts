/**
 * The real driver (usb@3, not mocked) on the host running the tests. On a
 * host without a USB bus (such as a VM without a USB controller) it must
 * answer `available: false` with the reason, never throw, and let the
 * process end by itself once the watch is stopped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createUsbDeviceSource } from './createUsbDeviceSource';

const KEY = { vendorId: 0x46f4, productId: 0x0001 };
const hasUsbBus =
  process.platform !== 'linux' || existsSync('/sys/bus/usb/devices');

it(`scans this host's real bus without throwing (${
  hasUsbBus ? 'it has a USB bus' : 'no /sys/bus/usb: unavailable with the reason'
})`, async () => {
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn() };
  const usb = createUsbDeviceSource({ devices: [KEY], logger });
  const unwatch = usb.watch(() => undefined);
  const scan = await usb.scan();
  unwatch();
  await usb.close();
  if (hasUsbBus) {
    // usb@3 may still fail here (e.g. no permission), but only as an answer.
    expect(typeof scan.available).toBe('boolean');
  } else {
    expect(scan).toEqual({
      available: false,
      reason: expect.stringMatching(
        /^(no USB bus on this host \(\/sys\/bus\/usb\/devices does not exist\); plug the key into a host with USB, or pass \/sys\/bus\/usb and the key's \/dev\/bus\/usb device into the container|the usb package failed to load .*)$/,
      ),
    });
    expect(logger.warn).toHaveBeenCalledWith(
      `USB key: the USB bus cannot be read: ${!scan.available && scan.reason}`,
    );
  }
});

it('lets a Node process scan, watch and end by itself (no crash, no listener left behind)', () => {
  const script = `
    const { createUsbDeviceSource } = require(${JSON.stringify(
      join(__dirname, 'createUsbDeviceSource.ts'),
    )});
    process.on('uncaughtException', e => { console.log('UNCAUGHT ' + e.message); process.exitCode = 3; });
    const usb = createUsbDeviceSource({ devices: [{ vendorId: 0x46f4, productId: 1 }] });
    const unwatch = usb.watch(() => undefined);
    usb.scan().then(scan => {
      console.log(JSON.stringify(scan));
      unwatch();
    });
  `;
  const child = spawnSync(
    process.execPath,
    ['--require', '@backstage/cli/config/nodeTransform.cjs', '-e', script],
    { encoding: 'utf8', timeout: 30_000, cwd: __dirname },
  );
  expect(child.error).toBeUndefined(); // a timeout: something kept the process alive
  expect(child.stdout).not.toContain('UNCAUGHT');
  expect(child.status).toBe(0);
  const scan = JSON.parse(child.stdout.trim().split('\n').pop()!);
  expect(typeof scan.available).toBe('boolean');
  if (!hasUsbBus) expect(scan.available).toBe(false);
});

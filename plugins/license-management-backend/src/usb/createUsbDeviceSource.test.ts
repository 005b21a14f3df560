import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsbDeviceSource } from './createUsbDeviceSource';

/** usb@3 as the driver uses it: usb.getDevices() and the native hot-plug Emitter. */
const mockGetDevices = jest.fn();
const mockEmitters: Array<{
  attach?: (device: unknown) => void;
  detach?: (handle: unknown) => void;
  addAttach: jest.Mock;
  removeAttach: jest.Mock;
  addDetach: jest.Mock;
  removeDetach: jest.Mock;
}> = [];
let mockAddAttachFailure: Error | undefined;

jest.mock('usb', () => ({ usb: { getDevices: () => mockGetDevices() } }));
jest.mock('usb/index.js', () => ({
  Emitter: jest.fn().mockImplementation(() => {
    const emitter: (typeof mockEmitters)[number] = {
      addAttach: jest.fn(async (callback: (device: unknown) => void) => {
        if (mockAddAttachFailure) throw mockAddAttachFailure;
        emitter.attach = callback;
      }),
      removeAttach: jest.fn(async () => {
        emitter.attach = undefined;
      }),
      addDetach: jest.fn(async (callback: (handle: unknown) => void) => {
        emitter.detach = callback;
      }),
      removeDetach: jest.fn(async () => {
        emitter.detach = undefined;
      }),
    };
    mockEmitters.push(emitter);
    return emitter;
  }),
}));

const KEY = { vendorId: 0x46f4, productId: 0x0001 };
const OTHER_KEY = { vendorId: 0x1234, productId: 0xabcd };
const listed = (
  ids: { vendorId: number; productId: number },
  serialNumber: string | null,
) => ({ ...ids, serialNumber });

const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn() };
/**
 * The mocked bus: a directory that exists stands for /sys/bus/usb/devices;
 * no device nodes to watch (see 'hot-plug hints from device nodes').
 */
const source = (devices = [KEY]) =>
  createUsbDeviceSource({
    devices,
    logger,
    sysfsDevicesDir: __dirname,
    devNodesDir: join(tmpdir(), 'lmk-no-dev-bus-usb'),
  });
const settle = () => new Promise(resolve => setImmediate(resolve));

beforeEach(() => {
  mockGetDevices.mockReset();
  mockEmitters.length = 0;
  mockAddAttachFailure = undefined;
  jest.clearAllMocks();
});

describe('scan', () => {
  it('lists only the devices whose vendor and product ids are configured, with their serial numbers', async () => {
    mockGetDevices.mockResolvedValue([
      listed({ vendorId: 0x0627, productId: 0x0001 }, 'KEYBOARD'), // same product id, other vendor
      listed({ vendorId: 0x46f4, productId: 0x0002 }, 'AUDIO'), // same vendor, other product
      listed(KEY, 'LMK-0002'),
      listed(OTHER_KEY, 'OTHER-1'),
      listed(KEY, 'LMK-0001'),
    ]);
    await expect(source([KEY, OTHER_KEY]).scan()).resolves.toEqual({
      available: true,
      devices: [
        { ...OTHER_KEY, serialNumber: 'OTHER-1' },
        { ...KEY, serialNumber: 'LMK-0001' },
        { ...KEY, serialNumber: 'LMK-0002' },
      ],
    });
  });

  it('answers an empty list when no key is plugged in', async () => {
    mockGetDevices.mockResolvedValue([listed({ vendorId: 1, productId: 2 }, 'X')]);
    await expect(source().scan()).resolves.toEqual({ available: true, devices: [] });
  });

  it('reports a key with an empty serial number as an error in words, without a serialNumber', async () => {
    mockGetDevices.mockResolvedValue([listed(KEY, '')]);
    const scan = await source().scan();
    expect(scan).toEqual({
      available: true,
      devices: [{ ...KEY, error: expect.any(String) }],
    });
    const [device] = (scan as { devices: Array<{ error?: string }> }).devices;
    expect(device.error).toBe(
      'the USB key 0x46f4:0x0001 presents no serial-number string (""), so its Key ID cannot be read; unplug it and plug it in again, or replace the key',
    );
    expect(device).not.toHaveProperty('serialNumber');
  });

  it('reports a key without a serial number (null) or one of blanks as a fault too', async () => {
    mockGetDevices.mockResolvedValue([listed(KEY, null), listed(KEY, '  ')]);
    const scan = await source().scan();
    expect(scan.available && scan.devices).toEqual([
      { ...KEY, error: expect.stringContaining('presents no serial-number string (" ') },
      { ...KEY, error: expect.stringContaining('presents no serial-number string (null)') },
    ]);
  });

  it('reports a serial number that fails to read as an error that names the cause', async () => {
    const broken = {
      ...KEY,
      get serialNumber(): string {
        throw new Error('LIBUSB_ERROR_PIPE');
      },
    };
    mockGetDevices.mockResolvedValue([broken, listed(KEY, 'LMK-0001')]);
    const scan = await source().scan();
    expect(scan.available && scan.devices).toEqual([
      { ...KEY, serialNumber: 'LMK-0001' },
      {
        ...KEY,
        error:
          'the serial number of the USB key 0x46f4:0x0001 cannot be read (LIBUSB_ERROR_PIPE); unplug it and plug it in again, or replace the key',
      },
    ]);
  });

  it('answers unavailable with the reason when the host has no USB bus (sysfs), without calling usb', async () => {
    const scan = await createUsbDeviceSource({
      devices: [KEY],
      sysfsDevicesDir: '/nonexistent/sys/bus/usb/devices',
    }).scan();
    if (process.platform !== 'linux') return;
    expect(scan).toEqual({
      available: false,
      reason:
        "no USB bus on this host (/nonexistent/sys/bus/usb/devices does not exist); plug the key into a host with USB, or pass /sys/bus/usb and the key's /dev/bus/usb device into the container",
    });
    expect(mockGetDevices).not.toHaveBeenCalled();
  });

  it('answers unavailable when usb@3 finds no bus (its own error, as on a host without /sys/bus/usb)', async () => {
    mockGetDevices.mockRejectedValue(
      new Error('getDevices error: /sys/bus/usb/devices/ not found (errno 2)'),
    );
    await expect(source().scan()).resolves.toEqual({
      available: false,
      reason: expect.stringMatching(
        /^no USB bus on this host \(getDevices error: \/sys\/bus\/usb\/devices\/ not found \(errno 2\)\); plug the key into a host with USB/,
      ),
    });
  });

  it('answers unavailable, saying what to do, when reading the bus is not permitted', async () => {
    mockGetDevices.mockRejectedValue(new Error('getDevices error: Permission denied (errno 13)'));
    const scan = await source().scan();
    expect(!scan.available && scan.reason).toBe(
      `no permission to read the USB bus (getDevices error: Permission denied (errno 13)); run the backend as a user that may read ${__dirname} and /dev/bus/usb`,
    );
  });

  it('answers unavailable when the enumeration hangs longer than scanTimeoutMs', async () => {
    mockGetDevices.mockReturnValue(new Promise(() => undefined));
    const scan = await createUsbDeviceSource({
      devices: [KEY],
      sysfsDevicesDir: __dirname,
      scanTimeoutMs: 20,
    }).scan();
    expect(scan).toEqual({
      available: false,
      reason: 'USB enumeration did not answer within 20 ms',
    });
  });

  it('logs the reason once when the bus becomes unreadable, and once when it can be read again', async () => {
    const usb = source();
    mockGetDevices.mockRejectedValue(new Error('getDevices error: boom'));
    await usb.scan();
    await usb.scan();
    mockGetDevices.mockResolvedValue([]);
    await usb.scan();
    await usb.scan();
    expect(logger.warn.mock.calls).toEqual([
      ['USB key: the USB bus cannot be read: USB enumeration failed (getDevices error: boom)'],
    ]);
    expect(logger.info.mock.calls).toEqual([['USB key: the USB bus can be read again']]);
  });
});

describe('watch', () => {
  it('calls onChange on every attach and detach event of usb@3, and stops when unwatched', async () => {
    const usb = source();
    const onChange = jest.fn();
    const unwatch = usb.watch(onChange);
    await settle();
    expect(mockEmitters).toHaveLength(1);
    const [emitter] = mockEmitters;
    emitter.attach!({ vendorId: KEY.vendorId });
    emitter.detach!('handle-1');
    expect(onChange).toHaveBeenCalledTimes(2);

    unwatch();
    unwatch(); // a second call changes nothing
    await usb.close();
    expect(emitter.removeAttach).toHaveBeenCalledTimes(1);
    expect(emitter.removeDetach).toHaveBeenCalledTimes(1);
    expect(emitter.attach).toBeUndefined();
  });

  it('holds one native subscription for every watcher, released when the last one stops', async () => {
    const usb = source();
    const first = jest.fn();
    const second = jest.fn();
    const stopFirst = usb.watch(first);
    const stopSecond = usb.watch(second);
    await settle();
    expect(mockEmitters).toHaveLength(1);
    mockEmitters[0].attach!({});
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);

    stopFirst();
    await settle();
    expect(mockEmitters[0].removeAttach).not.toHaveBeenCalled();
    mockEmitters[0].attach!({});
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(2);

    stopSecond();
    await usb.close();
    expect(mockEmitters[0].removeAttach).toHaveBeenCalledTimes(1);
  });

  it('close() stops every watch and releases the native listeners', async () => {
    const usb = source();
    const onChange = jest.fn();
    usb.watch(onChange);
    await settle();
    await usb.close();
    expect(mockEmitters[0].removeAttach).toHaveBeenCalled();
    expect(mockEmitters[0].removeDetach).toHaveBeenCalled();
  });

  it('falls back to the poll, with a warning, when usb@3 cannot subscribe to hot-plug events', async () => {
    mockAddAttachFailure = new Error('netlink socket: Operation not permitted');
    const usb = source();
    const unwatch = usb.watch(jest.fn());
    await settle();
    unwatch();
    await usb.close();
    expect(logger.warn).toHaveBeenCalledWith(
      'USB key: no hot-plug events (netlink socket: Operation not permitted); the USB bus is polled instead',
    );
    expect(mockEmitters[0].removeAttach).toHaveBeenCalled();
    mockGetDevices.mockResolvedValue([listed(KEY, 'LMK-0001')]);
    await expect(usb.scan()).resolves.toEqual({
      available: true,
      devices: [{ ...KEY, serialNumber: 'LMK-0001' }],
    });
  });

  it('keeps calling the other watchers when one throws', async () => {
    const usb = source();
    const second = jest.fn();
    usb.watch(() => {
      throw new Error('watcher bug');
    });
    usb.watch(second);
    await settle();
    expect(() => mockEmitters[0].attach!({})).not.toThrow();
    expect(second).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'USB key: a hot-plug listener failed: watcher bug',
    );
    await usb.close();
  });
});

describe('hot-plug hints from device nodes (devtmpfs, no udevd)', () => {
  let dir: string;
  const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
  /** fs.watch handles open (a closed one leaves on a later turn of the loop). */
  const fsWatchers = async () => {
    await sleep(20);
    return process.getActiveResourcesInfo().filter(r => r === 'FSEventWrap').length;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmk-dev-bus-usb-'));
    mkdirSync(join(dir, '001'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a new node under the device-node directory → one call of every watcher; close() releases the fs watchers', async () => {
    const before = await fsWatchers();
    const usb = createUsbDeviceSource({
      devices: [KEY],
      logger,
      sysfsDevicesDir: __dirname,
      devNodesDir: dir,
      hintDebounceMs: 50,
    });
    const first = jest.fn();
    const second = jest.fn();
    usb.watch(first);
    const stopSecond = usb.watch(second);
    expect(await fsWatchers()).toBe(before + 2); // the directory and bus 001
    writeFileSync(join(dir, '001', '002'), '');
    writeFileSync(join(dir, '001', '003'), '');
    await sleep(300);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    stopSecond();
    expect(await fsWatchers()).toBe(before + 2); // still one watch
    await usb.close();
    expect(await fsWatchers()).toBe(before);
  });

  it('a missing device-node directory: watch() does not throw, logs once, usb@3 events still work', async () => {
    const usb = createUsbDeviceSource({
      devices: [KEY],
      logger,
      sysfsDevicesDir: __dirname,
      devNodesDir: join(dir, 'none'),
    });
    const onChange = jest.fn();
    const unwatch = usb.watch(onChange);
    unwatch();
    usb.watch(onChange);
    await settle();
    mockEmitters[mockEmitters.length - 1].attach!({});
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(
      logger.info.mock.calls.filter(([m]) => /no hot-plug hints from device nodes/.test(m)),
    ).toHaveLength(1);
    await usb.close();
  });
});

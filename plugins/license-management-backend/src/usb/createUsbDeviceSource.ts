/**
 * The USB device source on the `usb` package (usb@3): scan() lists the
 * configured keys with their serial numbers, watch() passes usb@3's
 * hot-plug events on as hints, and so do the kernel's own changes under
 * /dev/bus/usb (devtmpfs; they come without udevd, usb@3's events do not).
 * Never throws and never ends the process: a
 * host without a usable USB subsystem scans as `available: false` with the
 * reason in words.
 */
import { existsSync } from 'node:fs';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { watchDeviceNodes } from './deviceNodeHints';
import { keysAmong, type UsbKeyIds } from './keyDevices';
import type { UsbDeviceSource, UsbScan } from './types';
import {
  loadUsbPackage,
  messageOf,
  type HotplugEmitter,
  type LoadedUsbPackage,
} from './usbPackage';

export interface UsbDeviceSourceOptions {
  /** The ids of a key: a matching device is a key, its serial-number string the Key ID. */
  devices: readonly UsbKeyIds[];
  logger?: Pick<LoggerService, 'debug' | 'info' | 'warn'>;
  /** A scan that takes longer answers `available: false` (default 5000 ms). */
  scanTimeoutMs?: number;
  /** Where Linux lists the USB devices, checked before enumerating (default /sys/bus/usb/devices). */
  sysfsDevicesDir?: string;
  /**
   * Where the kernel (devtmpfs) keeps the USB device nodes, watched for
   * hot-plug hints without udevd (default /dev/bus/usb).
   */
  devNodesDir?: string;
  /** Changes of device nodes within this time become one hint (default 75 ms). */
  hintDebounceMs?: number;
  /** Loads usb@3 (default: `require('usb')` on the first scan or watch). */
  loadUsb?: () => LoadedUsbPackage;
}

export interface UsbDriverSource extends UsbDeviceSource {
  /** Stops every watch and releases usb@3's hot-plug listener (it keeps the process alive). */
  close(): Promise<void>;
}

const unavailable = (reason: string): UsbScan => ({ available: false, reason });

/** The reason in words for a failed usb@3 enumeration. */
function enumerationFailure(error: unknown, dir: string): string {
  const message = messageOf(error);
  if (/errno 13\b|EACCES|EPERM|permission denied/i.test(message))
    return `no permission to read the USB bus (${message}); run the backend as a user that may read ${dir} and /dev/bus/usb`;
  if (/errno 2\b|ENOENT|not found/i.test(message))
    return `no USB bus on this host (${message}); plug the key into a host with USB, or pass /sys/bus/usb and the key's /dev/bus/usb device into the container`;
  return `USB enumeration failed (${message})`;
}

export function createUsbDeviceSource(
  options: UsbDeviceSourceOptions,
): UsbDriverSource {
  const ids = options.devices;
  const logger = options.logger;
  const timeoutMs = options.scanTimeoutMs ?? 5000;
  const sysfsDir = options.sysfsDevicesDir ?? '/sys/bus/usb/devices';
  const load = options.loadUsb ?? loadUsbPackage;
  const devNodesDir = options.devNodesDir ?? '/dev/bus/usb';

  let loaded: LoadedUsbPackage | undefined;
  const usbPackage = () => {
    if (!loaded) {
      try {
        loaded = load();
      } catch (error) {
        loaded = { ok: false, reason: `the usb package failed to load (${messageOf(error)})` };
      }
    }
    return loaded;
  };

  async function scanOnce(): Promise<UsbScan> {
    const usb = usbPackage();
    if (!usb.ok) return unavailable(usb.reason);
    if (process.platform === 'linux' && !existsSync(sysfsDir))
      return unavailable(
        `no USB bus on this host (${sysfsDir} does not exist); plug the key into a host with USB, or pass /sys/bus/usb and the key's /dev/bus/usb device into the container`,
      );
    let listed;
    try {
      listed = await usb.usb.getDevices();
    } catch (error) {
      return unavailable(enumerationFailure(error, sysfsDir));
    }
    if (!Array.isArray(listed))
      return unavailable('USB enumeration failed (usb.getDevices() gave no list)');
    return { available: true, devices: keysAmong(listed, ids) };
  }

  let lastReason: string | undefined | null = null;
  function noteAvailability(scan: UsbScan) {
    const reason = scan.available ? undefined : scan.reason;
    if (reason === lastReason) return;
    if (reason) logger?.warn(`USB key: the USB bus cannot be read: ${reason}`);
    else if (lastReason !== null) logger?.info('USB key: the USB bus can be read again');
    lastReason = reason;
  }

  async function scan(): Promise<UsbScan> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<UsbScan>(resolve => {
      timer = setTimeout(
        () => resolve(unavailable(`USB enumeration did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref?.();
    });
    let result: UsbScan;
    try {
      result = await Promise.race([scanOnce(), late]);
    } catch (error) {
      result = unavailable(`USB enumeration failed (${messageOf(error)})`);
    } finally {
      clearTimeout(timer);
    }
    noteAvailability(result);
    return result;
  }

  // Hot-plug events: one native subscription while anyone watches.
  const listeners = new Set<() => void>();
  let emitter: HotplugEmitter | undefined;
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(step).catch(error =>
      logger?.warn(`USB key: hot-plug events: ${messageOf(error)}`),
    );
  };

  const hint = (what: string) => () => {
    logger?.debug(`USB key: hot-plug hint (${what})`);
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        logger?.warn(`USB key: a hot-plug listener failed: ${messageOf(error)}`);
      }
    }
  };

  const release = async (old: HotplugEmitter) => {
    await old.removeAttach().catch(() => undefined);
    await old.removeDetach().catch(() => undefined);
  };

  const subscribe = () =>
    enqueue(async () => {
      if (emitter || listeners.size === 0) return;
      const usb = usbPackage();
      if (!usb.ok || !usb.usb.Emitter) return;
      const fresh = new usb.usb.Emitter();
      emitter = fresh;
      try {
        await fresh.addAttach(hint('attach'));
        await fresh.addDetach(hint('detach'));
      } catch (error) {
        emitter = undefined;
        await release(fresh);
        logger?.warn(
          `USB key: no hot-plug events (${messageOf(error)}); the USB bus is polled instead`,
        );
      }
    });

  const unsubscribe = () =>
    enqueue(async () => {
      if (!emitter || listeners.size > 0) return;
      const old = emitter;
      emitter = undefined;
      await release(old);
    });

  // Device nodes (devtmpfs): one set of fs watchers while anyone watches.
  const loggedOnce = new Set<string>();
  let stopNodes: (() => void) | undefined;
  const watchNodes = () => {
    if (stopNodes || listeners.size === 0) return;
    stopNodes = watchDeviceNodes({
      dir: devNodesDir,
      debounceMs: options.hintDebounceMs,
      onHint: hint(`${devNodesDir} changed`),
      logger,
      logged: loggedOnce,
    });
  };
  const unwatchNodes = () => {
    if (!stopNodes || listeners.size > 0) return;
    stopNodes();
    stopNodes = undefined;
  };

  return {
    scan,
    watch(onChange) {
      const listener = () => onChange();
      listeners.add(listener);
      subscribe();
      watchNodes();
      let watching = true;
      return () => {
        if (!watching) return;
        watching = false;
        listeners.delete(listener);
        unsubscribe();
        unwatchNodes();
      };
    },
    async close() {
      listeners.clear();
      unsubscribe();
      unwatchNodes();
      await queue;
    },
  };
}

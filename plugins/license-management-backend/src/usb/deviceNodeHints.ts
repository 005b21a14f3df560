/**
 * Hot-plug hints without udevd: the kernel itself (devtmpfs) creates and
 * removes a device's node under /dev/bus/usb/<bus>/<device> when a USB
 * device comes and goes, so watching that directory and its bus
 * subdirectories sees every plug and unplug even where usb@3 gets no events
 * (containers and minimal hosts without udevd). /sys is not watched: sysfs
 * sends no inotify events for new or removed entries.
 *
 * Fails soft: a missing directory or a watch error is logged once and the
 * poll stays the fallback. A burst of changes becomes one hint. The
 * watchers keep the process alive until the returned function closes them.
 */
import { watch, readdirSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { messageOf } from './usbPackage';

export interface DeviceNodeHintsOptions {
  /** The directory of the USB device nodes (default /dev/bus/usb). */
  dir: string;
  /** Changes within this time after the first become one hint (default 75 ms). */
  debounceMs?: number;
  /** Called once per burst of changes. */
  onHint: () => void;
  logger?: Pick<LoggerService, 'debug' | 'info'>;
  /** Logs each kind of failure once across every start (the source keeps one per driver). */
  logged?: Set<string>;
}

/** Starts watching; returns the function that closes every watcher (idempotent). */
export function watchDeviceNodes(options: DeviceNodeHintsOptions): () => void {
  const { dir, onHint, logger } = options;
  const debounceMs = options.debounceMs ?? 75;
  const logged = options.logged ?? new Set<string>();
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const once = (key: string, message: string) => {
    if (logged.has(key)) return;
    logged.add(key);
    logger?.info(message);
  };

  const changed = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onHint();
    }, debounceMs);
    timer.unref?.();
  };

  const stop = (path: string) => {
    const watcher = watchers.get(path);
    if (!watcher) return;
    watchers.delete(path);
    watcher.close();
  };

  const add = (path: string, onEvent: () => void): boolean => {
    if (watchers.has(path)) return true;
    let watcher: FSWatcher;
    try {
      watcher = watch(path, onEvent);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException)?.code;
      if (path !== dir && code === 'ENOENT') return false; // a bus just removed
      once(
        `watch:${code ?? messageOf(error)}`,
        `USB key: cannot watch ${path} for USB devices (${messageOf(
          error,
        )}); a plugged key is found by the poll`,
      );
      return false;
    }
    watcher.on('error', error => {
      stop(path);
      if (path === dir || (error as NodeJS.ErrnoException)?.code !== 'ENOENT')
        once(
          `error:${messageOf(error)}`,
          `USB key: watching ${path} for USB devices failed (${messageOf(
            error,
          )}); a plugged key is found by the poll`,
        );
    });
    watchers.set(path, watcher);
    return true;
  };

  /** Watches every bus directory there is now, and stops watching the gone ones. */
  const syncBuses = () => {
    let buses: string[];
    try {
      buses = readdirSync(dir, { withFileTypes: true })
        .filter(entry => entry.isDirectory())
        .map(entry => join(dir, entry.name));
    } catch {
      return;
    }
    for (const path of [...watchers.keys()])
      if (path !== dir && !buses.includes(path)) stop(path);
    for (const path of buses) add(path, changed);
  };

  try {
    readdirSync(dir);
  } catch (error) {
    once(
      'missing',
      `USB key: ${dir} cannot be read (${messageOf(
        error,
      )}); no hot-plug hints from device nodes, a plugged key is found by the poll`,
    );
    return () => {
      closed = true;
    };
  }
  if (
    add(dir, () => {
      if (closed) return;
      syncBuses();
      changed();
    })
  ) {
    syncBuses();
    logger?.debug(`USB key: watching ${dir} for USB devices`);
  }

  return () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    timer = undefined;
    for (const path of [...watchers.keys()]) stop(path);
  };
}

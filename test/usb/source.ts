/**
 * Guest script of the driver test: runs the backend's real USB device source
 * (createUsbDeviceSource on usb@3) as the key watcher would, scanning every
 * POLL_INTERVAL_MS and again on every hot-plug hint, and prints one JSON line
 *   {"trigger":"start"|"poll"|"event","ms":<since start>,"scan":<UsbScan>}
 * whenever the scan differs from the previous one, and
 *   {"hint":true,"ms":<since start>}
 * for every hot-plug event (watch()). The driver's log goes to stderr (the
 * guest console). Run with `--require @backstage/cli/config/nodeTransform.cjs`.
 *
 * START_UDEVD=1 starts systemd-udevd (the host's, over the /usr share) first:
 * usb@3's hot-plug events come through udev's netlink messages, so without
 * udevd the source only polls.
 */
import { spawnSync } from 'node:child_process';
import { createUsbDeviceSource } from '../../plugins/license-management-backend/src/usb';

if (process.env.START_UDEVD === '1') {
  const udevd = spawnSync('/usr/lib/systemd/systemd-udevd', ['--daemon'], {
    encoding: 'utf8',
  });
  process.stderr.write(
    `[source] systemd-udevd --daemon: ${
      udevd.error?.message ?? `exit ${udevd.status}`
    } ${udevd.stderr}\n`,
  );
}

const pollMs = Number(process.env.POLL_INTERVAL_MS ?? 500);
const started = Date.now();
const write = (value: object) =>
  process.stdout.write(
    `${JSON.stringify({ ...value, ms: Date.now() - started })}\n`,
  );
const log = (level: string) => (message: string) =>
  process.stderr.write(`[source ${level}] ${message}\n`);

const source = createUsbDeviceSource({
  devices: [{ vendorId: 0x46f4, productId: 0x0001 }],
  logger: { debug: log('debug'), info: log('info'), warn: log('warn') },
});

let last = '';
let busy: Promise<void> = Promise.resolve();
/** One scan after the one running (scans never overlap, as in the watcher). */
function look(trigger: string) {
  busy = busy.then(async () => {
    const scan = await source.scan();
    const text = JSON.stringify(scan);
    if (text === last) return;
    last = text;
    write({ trigger, scan });
  });
}

source.watch(() => {
  write({ hint: true });
  look('event');
});
setInterval(() => look('poll'), pollMs);
look('start');

/**
 * Guest script of the driver test: runs the backend's real USB device source
 * (createUsbDeviceSource on usb@3) as the key watcher would, scanning every
 * POLL_INTERVAL_MS and again on every hot-plug hint, and judges each scan
 * as the watcher does — the backend's readingOf, then -common's judgeUsbKey
 * — as one management node ("guest"), carrying the rule's memory from scan
 * to scan.
 * Prints one JSON line whenever the scan or the status changes:
 *   {"trigger":"start"|"poll"|"event","ms":<since start>,"scan":<UsbScan>,
 *    "status":"ready"|"missing"|"abnormal"|"fault","keyId":…,"message":…}
 * and {"hint":true,"ms":<since start>} for every hot-plug event (watch()).
 * A witness lists /sys/bus/usb/devices every WITNESS_MS (25) and prints
 * {"sysfs":[<devices>],"ms":…} when it changes: when the kernel has the
 * device, so the test can tell the kernel's enumeration time from the
 * source's own delay (at most one poll).
 * The driver's log goes to stderr (the guest console). Run with
 * `--require @backstage/cli/config/nodeTransform.cjs`.
 *
 * START_UDEVD=1 starts systemd-udevd (the host's, over the /usr share) first:
 * usb@3's hot-plug events come through udev's netlink messages. Without
 * udevd the hints come from the kernel's device nodes under /dev/bus/usb
 * (devtmpfs); DEV_NODES_DIR=<a missing path> turns those off.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createUsbDeviceSource } from '../../plugins/license-management-backend/src/usb';
import {
  judgeUsbKey,
  type UsbKeyMemory,
} from '../../plugins/license-management-common/src/usbKey';
import { readingOf } from '../../plugins/license-management-backend/src/usbKey/readingOf';

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
  devNodesDir: process.env.DEV_NODES_DIR || undefined,
  logger: { debug: log('debug'), info: log('info'), warn: log('warn') },
});

const settings = { nodeTimeoutMs: 30_000, faultBufferMs: 72 * 3600_000 };
let memory: UsbKeyMemory | undefined;
let reading: ReturnType<typeof readingOf> | undefined;
let last = '';
let busy: Promise<void> = Promise.resolve();
/** One scan after the one running (scans never overlap, as in the watcher). */
function look(trigger: string) {
  busy = busy.then(async () => {
    const scan = await source.scan();
    const now = Date.now();
    reading = readingOf(scan, reading, 'guest', now);
    const judgement = judgeUsbKey({
      readings: [reading],
      previous: memory,
      now,
      settings,
    });
    memory = judgement.memory;
    const { status, keyId, message } = judgement;
    const text = JSON.stringify({ scan, status, keyId });
    if (text === last) return;
    last = text;
    write({ trigger, scan, status, keyId, message });
  }).catch(error => {
    process.stderr.write(`[source] ${error?.stack ?? error}\n`);
  });
}

const witnessMs = Number(process.env.WITNESS_MS ?? 25);
let sysfs = '';
function witness() {
  let entries: string[];
  try {
    // Devices ("usb1", "1-1"), not their interfaces ("1-1:1.0").
    entries = readdirSync('/sys/bus/usb/devices').filter(e => !e.includes(':'));
  } catch {
    entries = [];
  }
  const text = JSON.stringify(entries.sort());
  if (text === sysfs) return;
  sysfs = text;
  write({ sysfs: entries });
}
witness();
setInterval(witness, witnessMs);

source.watch(() => {
  write({ hint: true });
  look('event');
});
setInterval(() => look('poll'), pollMs);
look('start');

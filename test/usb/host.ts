/**
 * Whether this host can run the QEMU guest: qemu-system-x86_64, a Debian
 * kernel with its modules, and a statically linked busybox. Installs nothing.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readdirSync,
  readSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';

export const PACKAGES = 'qemu-system-x86 linux-image-amd64 busybox-static';

/**
 * Says in one line why test/usb skips, on the process's own stdout: jest
 * shows no console output of a test file whose tests are all skipped.
 */
export function reportSkip(reason: string): void {
  process.stdout.write(`test/usb skipped: ${reason}\n`);
}

export type QemuCheck =
  | {
      ok: true;
      qemu: string;
      kernel: string;
      modulesDir: string;
      busybox: string;
    }
  | { ok: false; reason: string };

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Whether an ELF executable is statically linked (no PT_INTERP header). */
function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    readSync(fd, head, 0, head.length, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2) return false;
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      if (at + 4 > head.length) return false;
      if (head.readUInt32LE(at) === 3) return false;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

const versionKey = (release: string) =>
  release
    .split(/[.-]/)
    .map(part => (/^\d+$/.test(part) ? part.padStart(6, '0') : part))
    .join('.');

/** What this host lacks for the QEMU test, or the paths it will use. */
export function checkQemu(): QemuCheck {
  const missing = (what: string) => ({
    ok: false as const,
    reason: `${what}; install the Debian packages ${PACKAGES} (see test/usb/README.md)`,
  });
  const qemu = process.env.LMK_QEMU ?? onPath('qemu-system-x86_64');
  if (!qemu || !existsSync(qemu))
    return missing(
      `qemu-system-x86_64 is not installed${qemu ? ` (${qemu})` : ''}`,
    );

  let kernel = process.env.LMK_QEMU_KERNEL;
  let release: string | undefined;
  if (kernel) {
    release = kernel.replace(/^.*vmlinuz-/, '');
  } else {
    const releases = existsSync('/boot')
      ? readdirSync('/boot')
          .filter(name => name.startsWith('vmlinuz-'))
          .map(name => name.slice('vmlinuz-'.length))
          .filter(r => existsSync(`/lib/modules/${r}/modules.dep`))
          .sort((a, b) => versionKey(b).localeCompare(versionKey(a)))
      : [];
    release = releases[0];
    if (!release)
      return missing(
        'no kernel: no /boot/vmlinuz-* with its /lib/modules/*/modules.dep',
      );
    kernel = `/boot/vmlinuz-${release}`;
  }
  try {
    accessSync(kernel, constants.R_OK);
  } catch {
    return {
      ok: false,
      reason: `the kernel ${kernel} is not readable by this user (Debian installs it for root only); run as root or set LMK_QEMU_KERNEL to a readable copy`,
    };
  }
  const modulesDir = `/lib/modules/${release}`;
  if (!existsSync(join(modulesDir, 'modules.dep')))
    return missing(`no ${modulesDir}/modules.dep for ${kernel}`);

  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(
    p => existsSync(p) && isStaticElf(p),
  );
  if (!busybox) return missing('no statically linked busybox');
  return { ok: true, qemu, kernel, modulesDir, busybox };
}

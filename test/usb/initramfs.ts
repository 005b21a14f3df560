/**
 * The guest's initramfs: a static busybox, the kernel modules for xHCI and
 * 9p over virtio (with their dependencies, from the installed Debian
 * kernel's modules.dep), and an /init that mounts the host's directories
 * over 9p at the same paths and runs one command with the host's Node.
 *
 * Written as an uncompressed "newc" cpio archive, built in memory on every
 * boot (a few MB, a few milliseconds): nothing is cached between runs.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Modules always loaded: the xHCI host controller and 9p over virtio-pci. */
export const BASE_MODULES = ['xhci-pci', 'virtio-pci', '9pnet-virtio', '9p'];

export interface Share {
  /** The 9p mount tag (at most 31 characters). */
  tag: string;
  /** Absolute path, the same on host and guest. */
  path: string;
}

export interface InitramfsOptions {
  busybox: string;
  /** /lib/modules/<kernel release> */
  modulesDir: string;
  /** Module names (dashes or underscores) to load, dependencies first. */
  modules: string[];
  shares: Share[];
  /** Symbolic links to create in the guest's root, e.g. lib -> usr/lib. */
  links: Record<string, string>;
  /** The command to run; its stdout goes to the second serial port. */
  command: string[];
  /** Bring up eth0 as QEMU user networking's 10.0.2.15 (the host is 10.0.2.2). */
  network?: boolean;
  cwd: string;
  env: Record<string, string>;
}

class Cpio {
  private readonly chunks: Buffer[] = [];
  private ino = 1;

  dir(name: string) {
    this.entry(name, 0o040755, Buffer.alloc(0));
  }

  file(name: string, data: Buffer, mode = 0o100644) {
    this.entry(name, mode, data);
  }

  symlink(name: string, target: string) {
    this.entry(name, 0o120777, Buffer.from(target));
  }

  charDevice(name: string, major: number, minor: number) {
    this.entry(name, 0o020600, Buffer.alloc(0), major, minor);
  }

  finish(): Buffer {
    this.entry('TRAILER!!!', 0, Buffer.alloc(0));
    return Buffer.concat(this.chunks);
  }

  private entry(
    name: string,
    mode: number,
    data: Buffer,
    rdevMajor = 0,
    rdevMinor = 0,
  ) {
    const nameBytes = Buffer.from(`${name}\0`);
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const header =
      '070701' +
      [
        this.ino++,
        mode,
        0, // uid
        0, // gid
        1, // nlink
        0, // mtime
        data.length,
        0, // devmajor
        0, // devminor
        rdevMajor,
        rdevMinor,
        nameBytes.length,
        0, // check
      ]
        .map(hex)
        .join('');
    this.push(Buffer.concat([Buffer.from(header), nameBytes]));
    this.push(data);
  }

  private push(bytes: Buffer) {
    this.chunks.push(bytes);
    const pad = (4 - (bytes.length % 4)) % 4;
    if (pad) this.chunks.push(Buffer.alloc(pad));
  }
}

const normal = (name: string) => name.replace(/_/g, '-');

/**
 * The .ko files to load for `wanted`, every dependency before its users,
 * from modules.dep. Modules built into the kernel (modules.builtin) are
 * skipped; an unknown module is an error that names it.
 */
export function moduleLoadOrder(
  modulesDir: string,
  wanted: string[],
): string[] {
  const deps = new Map<string, { path: string; deps: string[] }>();
  const baseName = (path: string) =>
    normal(path.replace(/^.*\//, '').replace(/\.ko(\.\w+)?$/, ''));
  for (const line of readFileSync(
    join(modulesDir, 'modules.dep'),
    'utf8',
  ).split('\n')) {
    const [path, rest] = line.split(':');
    if (!rest && rest !== '') continue;
    deps.set(baseName(path), {
      path,
      deps: rest.trim().split(/\s+/).filter(Boolean),
    });
  }
  const builtin = new Set(
    readFileSync(join(modulesDir, 'modules.builtin'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(baseName),
  );
  const order: string[] = [];
  const visit = (name: string) => {
    const key = normal(name);
    if (builtin.has(key)) return;
    const entry = deps.get(key);
    if (!entry) {
      throw new Error(
        `Kernel module ${name} is not in ${modulesDir}/modules.dep: install the matching linux-image package or drop the module`,
      );
    }
    if (order.includes(entry.path)) return;
    for (const dep of [...entry.deps].reverse()) visit(baseName(dep));
    if (!order.includes(entry.path)) order.push(entry.path);
  };
  wanted.forEach(visit);
  return order;
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

function initScript(options: InitramfsOptions, moduleFiles: string[]): string {
  const mounts = options.shares.map(
    share =>
      `mkdir -p ${quote(
        share.path,
      )} && mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 ` +
      `${share.tag} ${quote(share.path)} || fail "mounting ${
        share.path
      } over 9p"`,
  );
  const env = Object.entries(options.env).map(
    ([key, value]) => `${key}=${quote(value)}`,
  );
  return [
    '#!/lmk/busybox sh',
    '/lmk/busybox mkdir -p /lmk/bin && /lmk/busybox --install -s /lmk/bin',
    'export PATH=/lmk/bin',
    'fail() { echo "lmk-guest: failed: $1"; poweroff -f; }',
    'mkdir -p /proc /sys /dev /tmp /run',
    'mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs devtmpfs /dev',
    'mount -t tmpfs tmpfs /tmp && mount -t tmpfs tmpfs /run',
    'up() { cut -d" " -f1 /proc/uptime; }',
    'echo "lmk-guest: init $(up)"',
    ...moduleFiles.map(
      file => `insmod /lmk/modules/${file} || fail "insmod ${file}"`,
    ),
    ...mounts,
    'ip link set lo up',
    ...(options.network
      ? [
          'ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 || fail "setting up eth0"',
        ]
      : []),
    'stty -F /dev/ttyS1 raw -echo 115200 || fail "setting up /dev/ttyS1"',
    `cd ${quote(options.cwd)} || fail "cd ${options.cwd}"`,
    'echo "lmk-guest: run $(up)"',
    `env -i ${env.join(' ')} ${options.command
      .map(quote)
      .join(' ')} </dev/null >/dev/ttyS1 2>/dev/console`,
    'echo "lmk-guest: exit $? $(up)"',
    'poweroff -f',
    '',
  ].join('\n');
}

export function buildInitramfs(options: InitramfsOptions): Buffer {
  const modulePaths = moduleLoadOrder(options.modulesDir, options.modules);
  const moduleFiles = modulePaths.map(path => path.replace(/^.*\//, ''));
  const cpio = new Cpio();
  for (const dir of [
    'dev',
    'lmk',
    'lmk/modules',
    'proc',
    'sys',
    'tmp',
    'run',
    'etc',
  ])
    cpio.dir(dir);
  cpio.charDevice('dev/console', 5, 1);
  cpio.charDevice('dev/null', 1, 3);
  cpio.file('lmk/busybox', readFileSync(options.busybox), 0o100755);
  for (const path of modulePaths) {
    const full = join(options.modulesDir, path);
    statSync(full);
    cpio.file(`lmk/modules/${path.replace(/^.*\//, '')}`, readFileSync(full));
  }
  for (const [name, target] of Object.entries(options.links))
    cpio.symlink(name, target);
  cpio.file('etc/passwd', Buffer.from('root:x:0:0:root:/tmp:/bin/sh\n'));
  cpio.file('init', Buffer.from(initScript(options, moduleFiles)), 0o100755);
  return cpio.finish();
}

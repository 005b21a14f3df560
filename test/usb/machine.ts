/**
 * The guest machine: which host directories it shares over 9p, its
 * initramfs (written to `dir`), and the qemu-system-x86_64 command line.
 *
 * q35, one CPU, software emulation (TCG) by default, an xHCI controller
 * with id `xhci` (8 USB 2 and 8 USB 3 ports), two serial ports (ttyS0: the
 * console; ttyS1: the script's stdout) and QMP, all three as unix-socket
 * clients of the host's servers in `dir`. With `network`, QEMU user
 * networking: the guest is 10.0.2.15 and reaches the host's 127.0.0.1 as
 * 10.0.2.2 (e.g. PostgreSQL at 10.0.2.2:5432); no other network.
 */
import {
  existsSync,
  lstatSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { QemuCheck } from './host';
import { BASE_MODULES, buildInitramfs, type Share } from './initramfs';

export interface MachineOptions {
  script: string;
  args?: string[];
  nodeArgs?: string[];
  env?: Record<string, string>;
  projectRoot: string;
  cwd?: string;
  modules?: string[];
  memoryMb?: number;
  accel?: string;
  network?: boolean;
}

/**
 * The host's /usr, the project and (when elsewhere) Node's prefix, at the
 * same paths; /bin, /lib, /lib64… as links where the host has merged /usr,
 * else shared too.
 */
function sharesFor(projectRoot: string, node: string) {
  const shares: Share[] = [
    { tag: 'usr', path: '/usr' },
    { tag: 'project', path: projectRoot },
  ];
  const links: Record<string, string> = {};
  for (const name of ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32']) {
    if (!existsSync(`/${name}`)) continue;
    if (lstatSync(`/${name}`).isSymbolicLink()) {
      links[name] = readlinkSync(`/${name}`);
    } else {
      shares.push({ tag: name, path: `/${name}` });
    }
  }
  const shared = (path: string) =>
    shares.some(s => path === s.path || path.startsWith(`${s.path}/`));
  if (!shared(node)) shares.push({ tag: 'node', path: dirname(dirname(node)) });
  return { shares, links, shared };
}

/** TCG: 'max' (its RDRAND seeds the guest's random pool at once). Under
 * KVM on a nested host 'max' and 'host' can fail (MSR 0x10a): QEMU's default. */
function cpuArgs(accel: string): string[] {
  const cpu = process.env.LMK_QEMU_CPU ?? (accel === 'tcg' ? 'max' : undefined);
  return cpu ? ['-cpu', cpu] : [];
}

/** Writes the initramfs into `dir` and returns QEMU's arguments. */
export function prepareMachine(
  check: QemuCheck & { ok: true },
  options: MachineOptions,
  dir: string,
): string[] {
  const node = realpathSync(process.execPath);
  const { shares, links, shared } = sharesFor(options.projectRoot, node);
  if (!shared(options.script)) {
    const paths = shares.map(s => s.path).join(', ');
    throw new Error(
      `The guest script ${options.script} is outside the shared directories (${paths})`,
    );
  }
  const initrd = join(dir, 'initrd.cpio');
  writeFileSync(
    initrd,
    buildInitramfs({
      busybox: check.busybox,
      modulesDir: check.modulesDir,
      modules: [
        ...BASE_MODULES,
        ...(options.network ? ['virtio-net'] : []),
        ...(options.modules ?? []),
      ],
      network: options.network,
      shares,
      links,
      command: [
        node,
        ...(options.nodeArgs ?? []),
        options.script,
        ...(options.args ?? []),
      ],
      cwd: options.cwd ?? options.projectRoot,
      env: {
        PATH: '/usr/local/bin:/usr/bin:/bin:/lmk/bin',
        HOME: '/tmp',
        ...(options.env ?? {}),
      },
    }),
  );
  const accel = options.accel ?? process.env.LMK_QEMU_ACCEL ?? 'tcg';
  const socket = (name: string) => join(dir, `${name}.sock`);
  // prettier-ignore
  return [
    '-machine', `q35,accel=${accel}`,
    ...cpuArgs(accel),
    '-smp', '1',
    '-m', String(options.memoryMb ?? 512),
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-kernel', check.kernel,
    '-initrd', initrd,
    '-append', 'console=ttyS0 panic=-1 quiet loglevel=4 random.trust_cpu=on mitigations=off 8250.nr_uarts=2',
    '-chardev', `socket,id=con,path=${socket('console')}`, '-serial', 'chardev:con',
    '-chardev', `socket,id=out,path=${socket('out')}`, '-serial', 'chardev:out',
    '-chardev', `socket,id=qmp,path=${socket('qmp')}`, '-mon', 'chardev=qmp,mode=control',
    '-device', 'qemu-xhci,id=xhci,p2=8,p3=8',
    ...(options.network ? ['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'] : []),
    ...shares.flatMap((share, i) => [
      '-fsdev', `local,id=fs${i},path=${share.path},security_model=none,readonly=on,multidevs=remap`,
      '-device', `virtio-9p-pci,fsdev=fs${i},mount_tag=${share.tag}`,
    ]),
  ];
}

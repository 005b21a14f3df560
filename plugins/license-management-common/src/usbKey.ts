import type { LicenseException, UsbKeyView } from './types';
import type { UsbKeyStatus } from './lists';

/**
 * The USB key rules (PRODUCT.md §1 "Licensing methods", §2.7): from what the
 * management nodes saw on their USB buses, and what was decided before,
 * which status holds and which key USB-key licenses may use. Pure: the
 * backend's UsbKeyWatcher stores the readings and the memory, and asks here.
 */

/** A readable key a node sees, and since when it has seen it without a break (ms). */
export interface UsbKeySighting {
  serial: string;
  since: number;
}

/** A matching device whose serial could not be read, why, and since when (ms). */
export interface UsbFaultSighting {
  error: string;
  since: number;
}

/** What one management node saw on its USB bus at `seenAt` (ms). */
export interface UsbNodeReading {
  node: string;
  seenAt: number;
  /** False: the host has no usable USB subsystem (no bus, no permission, no driver); `reason` says why. */
  available: boolean;
  reason?: string;
  keys: UsbKeySighting[];
  faults: UsbFaultSighting[];
}

export interface UsbKeyRuleSettings {
  /** Readings older than this no longer count (ms): the node is gone. */
  nodeTimeoutMs: number;
  /** How long USB-key licenses stay in force after a fault began (ms). */
  faultBufferMs: number;
}

/**
 * What the rules carry from one judgement to the next, shared by every
 * replica (stored): the key that was ready last and when the current fault
 * began, so that a restart neither forgets the key nor restarts the buffer.
 */
export interface UsbKeyMemory {
  status: UsbKeyStatus;
  /** The key licensing ran on. */
  keyId: string | null;
  /** The key that was ready last: `abnormal` goes on with it, a fault's buffer is for it. */
  readyKey: string | null;
  /**
   * When the fault began (ms). Cleared only when a key is read again
   * (`ready`): a faulty key pulled out and plugged in again does not start a
   * new buffer.
   */
  faultSince: number | null;
  /** The buffer of that fault has ended (recorded once). */
  bufferEnded: boolean;
  /** The situation in a few words (status, keys, nodes), to record each change once. */
  situation: string;
}

/** Before any node has looked: no key, nothing ready before. */
export const INITIAL_USB_KEY_MEMORY: UsbKeyMemory = {
  status: 'missing',
  keyId: null,
  readyKey: null,
  faultSince: null,
  bufferEnded: false,
  situation: 'missing',
};

export interface UsbKeyJudgement {
  status: UsbKeyStatus;
  /** The key USB-key licenses run on now (see {@link UsbKeyJudgement.counting}), or null. */
  keyId: string | null;
  /**
   * The keys USB-key licenses may use now: the ready key; while abnormal, the
   * key ready before if it is still plugged in; while fault, the key ready
   * before until `bufferEndsAt`. At most one.
   */
  counting: string[];
  /** Until when `counting` holds by itself (ms): the fault buffer's end; undefined for ever. */
  countingUntil?: number;
  /** Readable keys on live nodes: what a `usb-key` upload may be bound to. */
  present: string[];
  /** The live readings (seen within nodeTimeout), by node id. */
  nodes: UsbNodeReading[];
  /** What the status means and what to do. */
  message: string;
  faultSince: number | null;
  bufferEndsAt: number | null;
  /** What to store for the next judgement. */
  memory: UsbKeyMemory;
  /** What changed since `previous`, one sentence each: the details of `usb-key` records. */
  events: string[];
  /** The judgement holds until this instant (ms): a node timing out, the buffer ending. */
  validUntil: number;
}

export interface UsbKeyJudgementInput {
  readings: readonly UsbNodeReading[];
  previous?: UsbKeyMemory;
  now: number;
  settings: UsbKeyRuleSettings;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** An empty (or blank) serial string is no Key ID: the device counts as unreadable. */
export const isReadableSerial = (serial: string): boolean => serial.trim().length > 0;
const list = (items: readonly string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
const PLUG = 'plug the USB key into one management node and press Refresh';

/** The readings that count at `now`: seen within `nodeTimeoutMs`, by node id. */
export function liveReadings(readings: readonly UsbNodeReading[], now: number, nodeTimeoutMs: number): UsbNodeReading[] {
  return readings
    .filter(r => now - r.seenAt <= nodeTimeoutMs)
    .map(r => {
      // A blank serial is a device whose serial cannot be read.
      const blank = r.keys.filter(k => !isReadableSerial(k.serial));
      if (blank.length === 0) return r;
      return {
        ...r,
        keys: r.keys.filter(k => isReadableSerial(k.serial)),
        faults: [...r.faults, ...blank.map(k => ({ error: 'its serial number string is empty', since: k.since }))],
      };
    })
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/**
 * Did two nodes see the same key at the same time? Each node saw it over
 * [since, seenAt]; a key moved from one node to another is seen over
 * intervals that do not overlap, a key on both (a copy, or one bus read by
 * two node ids) over intervals that do — within one poll of each node.
 */
const overlaps = (a: UsbKeySighting & { seenAt: number }, b: UsbKeySighting & { seenAt: number }) =>
  a.since <= b.seenAt && b.since <= a.seenAt;

/**
 * The USB key status over the management nodes, and which key USB-key
 * licenses may use (PRODUCT.md §2.7):
 *
 * - `ready`: exactly one readable key, on one node (a key just moved to
 *   another node counts once: the two sightings do not overlap in time);
 * - `missing`: no matching device on any live node, or no live node can
 *   read its bus (the reasons are in the message);
 * - `abnormal`: two or more matching devices (keys, or a key and an
 *   unreadable device), or one key seen on two nodes at once; licensing
 *   goes on with the key that was ready before, if it is still plugged in;
 * - `fault`: one matching device whose serial cannot be read (an empty
 *   serial counts as unreadable); licensing goes on with the key that was
 *   ready before until `faultBuffer` after the fault began, then stops. The
 *   fault ends only when a key is read again: pulling the faulty key and
 *   plugging it back does not start a new buffer.
 */
export function judgeUsbKey(input: UsbKeyJudgementInput): UsbKeyJudgement {
  const { now, settings } = input;
  const previous = input.previous ?? INITIAL_USB_KEY_MEMORY;
  const nodes = liveReadings(input.readings, now, settings.nodeTimeoutMs);
  let validUntil = Number.POSITIVE_INFINITY;
  for (const r of nodes) validUntil = Math.min(validUntil, r.seenAt + settings.nodeTimeoutMs + 1);

  const sightings = new Map<string, Array<UsbKeySighting & { node: string; seenAt: number }>>();
  for (const r of nodes) {
    for (const k of r.keys) {
      const seen = sightings.get(k.serial) ?? [];
      seen.push({ ...k, node: r.node, seenAt: r.seenAt });
      sightings.set(k.serial, seen);
    }
  }
  const present = [...sightings.keys()].sort();
  const faults = nodes.flatMap(r => r.faults.map(f => ({ ...f, node: r.node })));
  const unavailable = nodes.filter(r => !r.available);
  const doubled = present.filter(serial => {
    const seen = sightings.get(serial)!;
    return seen.some((a, i) => seen.some((b, j) => j > i && a.node !== b.node && overlaps(a, b)));
  });
  const where = (serial: string) => list([...new Set(sightings.get(serial)!.map(s => `node ${s.node}`))]);

  let status: UsbKeyStatus;
  let situation: string;
  let message: string;
  let keyId: string | null = null;
  let readyKey = previous.readyKey;
  let faultSince = previous.faultSince;
  let countingUntil: number | undefined;

  // Two devices with one serial on one node are two keys.
  const twiceOnANode = nodes.some(r => new Set(r.keys.map(k => k.serial)).size < r.keys.length);
  const many = present.length + faults.length > 1 || twiceOnANode;
  if (many || doubled.length > 0) {
    status = 'abnormal';
    const seen = [
      ...nodes.flatMap(r => r.keys.map(k => `${k.serial} on node ${r.node}`)),
      ...faults.map(f => `an unreadable device on node ${f.node}`),
    ];
    situation = `abnormal:${seen.join(';')}`;
    keyId = readyKey !== null && present.includes(readyKey) ? readyKey : null;
    const what = many
        ? `More than one USB key is plugged in (${list(seen)}). Remove every key but one`
        : `USB key ${doubled[0]} is seen on ${where(doubled[0])} at once (a copy of the key, or two node ids reading one bus). Leave the key in one node only, and give each node its own licenseManagement.usbKey.nodeId`;
    message = `${what}; licensing ${
      keyId ? `goes on with ${keyId}, the key that was ready before` : 'of USB-key licenses is stopped: no key that was ready before is plugged in'
    }.`;
  } else if (faults.length === 1) {
    status = 'fault';
    const fault = faults[0];
    // The fault began when the first node saw it, unless one began before and no key was read since.
    faultSince ??= Math.min(fault.since, now);
    const end = faultSince + settings.faultBufferMs;
    situation = `fault:${fault.node}`;
    const readable = `The USB key on node ${fault.node} cannot be read (${fault.error})`;
    if (now < end && readyKey !== null) {
      keyId = readyKey;
      countingUntil = end;
      validUntil = Math.min(validUntil, end);
      message = `${readable}. Licensing goes on with ${readyKey} on a buffer until ${iso(end)}; re-seat the key or plug it into another management node and press Refresh, or ask the vendor for a new key.`;
    } else if (readyKey === null) {
      message = `${readable}, and no USB key was ready before, so no buffer applies: re-seat the key or plug it into another management node and press Refresh, or ask the vendor for a new key.`;
    } else {
      message = `${readable}. The buffer ended at ${iso(end)}: licenses bound to USB key ${readyKey} are not in force. Re-seat the key or plug it into another management node and press Refresh, or ask the vendor for a new key.`;
    }
  } else if (present.length === 1) {
    status = 'ready';
    keyId = present[0];
    readyKey = keyId;
    faultSince = null;
    situation = `ready:${keyId}`;
    message = `USB key ${keyId} is plugged into ${where(keyId)}.`;
  } else {
    status = 'missing';
    situation = 'missing';
    if (nodes.length === 0) {
      message = `No management node has looked at its USB bus within the node timeout: ${PLUG}; if it is plugged in, check that the backend runs with licenseManagement.usbKey.enabled.`;
    } else if (unavailable.length === nodes.length) {
      message = `No management node can read its USB bus (${unavailable
        .map(r => `node ${r.node}: ${r.reason ?? 'unavailable'}`)
        .join('; ')}). Give the backend access to /dev/bus/usb (see the README, "USB key"), then ${PLUG}.`;
    } else {
      const blind = unavailable.length
        ? ` Nodes that cannot read their USB bus: ${unavailable.map(r => `${r.node} (${r.reason ?? 'unavailable'})`).join('; ')}.`
        : '';
      message = `No USB key is plugged into a management node: ${PLUG}.${blind}`;
    }
  }

  const counting = keyId ? [keyId] : [];
  const bufferEndsAt = faultSince !== null ? faultSince + settings.faultBufferMs : null;
  const bufferEnded = status === 'fault' && faultSince !== null && now >= faultSince + settings.faultBufferMs;
  const memory: UsbKeyMemory = { status, keyId, readyKey, faultSince, bufferEnded: bufferEnded || (previous.bufferEnded && faultSince !== null), situation };
  return {
    status,
    keyId,
    counting,
    ...(countingUntil !== undefined ? { countingUntil } : {}),
    present,
    nodes,
    message,
    faultSince,
    bufferEndsAt,
    memory,
    events: usbKeyEvents(previous, memory, { present, where, bufferEndsAt, message }),
    validUntil,
  };
}

/** The sentences of the `usb-key` records of a change from `before` to `after`. */
function usbKeyEvents(
  before: UsbKeyMemory,
  after: UsbKeyMemory,
  ctx: { present: string[]; where: (serial: string) => string; bufferEndsAt: number | null; message: string },
): string[] {
  const events: string[] = [];
  if (before.situation !== after.situation) {
    // A key whose serial turned unreadable was not removed: that is the fault.
    if (before.status === 'ready' && before.keyId && !ctx.present.includes(before.keyId) && after.status !== 'fault') {
      events.push(`USB key ${before.keyId} removed`);
    }
    if (after.status === 'ready' && after.keyId !== before.keyId) {
      events.push(`USB key ${after.keyId} inserted on ${ctx.where(after.keyId!)}: ready`);
    } else if (after.status === 'ready') {
      events.push(`USB key ${after.keyId} ready on ${ctx.where(after.keyId!)}`);
    }
    if (after.status === 'missing') events.push(`USB key missing: ${ctx.message}`);
    if (after.status === 'abnormal') events.push(`USB key abnormal: ${ctx.message}`);
    if (after.status === 'fault') events.push(`USB key fault: ${ctx.message}`);
  }
  if (after.faultSince !== null && before.faultSince === null && after.readyKey !== null) {
    events.push(`Fault buffer started for USB key ${after.readyKey}: it ends at ${iso(ctx.bufferEndsAt!)}`);
  }
  if (after.bufferEnded && !before.bufferEnded) {
    events.push(`Fault buffer ended at ${iso(ctx.bufferEndsAt!)}: licenses bound to USB key ${after.readyKey ?? '(none)'} are no longer in force`);
  }
  if (before.faultSince !== null && after.faultSince === null && !before.bufferEnded) {
    events.push(`Fault buffer ended: USB key ${after.keyId} can be read again`);
  }
  return events;
}

/** What the licenses are judged with: the keys that count, and until when. */
export interface UsbKeyCounting {
  status: UsbKeyStatus;
  counting: readonly string[];
  countingUntil?: number;
  message: string;
}

/** Do the keys of `usb` count at instant `at` (the fault buffer ends by itself)? */
export function countingKeysAt(usb: UsbKeyCounting | undefined, at: number): readonly string[] {
  if (!usb) return [];
  if (usb.countingUntil !== undefined && at >= usb.countingUntil) return [];
  return usb.counting;
}

/**
 * The exception of the USB key status, when USB key licensing is enabled:
 * USB_KEY_ABNORMAL and USB_KEY_FAULT always; USB_KEY_MISSING only while a
 * `usb-key` license that has not expired is installed (a portal licensed by
 * request key alone is not missing anything; its USB Key card still says
 * `missing`).
 */
export function usbKeyException(usb: UsbKeyCounting | undefined, dependsOnKey: boolean): LicenseException | undefined {
  if (!usb) return undefined;
  if (usb.status === 'abnormal') return { code: 'USB_KEY_ABNORMAL', message: usb.message };
  if (usb.status === 'fault') return { code: 'USB_KEY_FAULT', message: usb.message };
  if (usb.status === 'missing' && dependsOnKey) {
    return { code: 'USB_KEY_MISSING', message: `${usb.message} Licenses bound to a USB key are not in force until then.` };
  }
  return undefined;
}

/**
 * Why a `usb-key` upload bound to `keyId` is refused, or undefined when the
 * key is plugged into a live management node (PRODUCT.md §2.7).
 */
export function usbKeyUploadProblem(
  keyId: string,
  usb: { enabled: boolean; present: readonly string[] } | undefined,
): string | undefined {
  if (!usb?.enabled) {
    return `it is bound to USB key ${keyId}, but USB key licensing is not enabled on this portal: set licenseManagement.usbKey.enabled (with the key's vendorId and productId in licenseManagement.usbKey.devices), plug the USB key with serial ${keyId} into a management node and press Refresh`;
  }
  if (usb.present.includes(keyId)) return undefined;
  const seen = usb.present.length ? ` (plugged in now: ${usb.present.join(', ')})` : ' (no USB key is plugged in now)';
  return `it is bound to USB key ${keyId}, which is not plugged into a management node${seen}: plug the USB key with serial ${keyId} into a management node and press Refresh, then upload again`;
}

/** `/status.usbKey` when USB key licensing is off (`licenseManagement.usbKey.enabled` is false). */
export const USB_KEY_DISABLED_VIEW: UsbKeyView = {
  status: 'missing',
  keyId: null,
  enabled: false,
  nodes: [],
  message:
    'USB key licensing is not enabled on this portal: licenses bound to a USB key do not count. To use one, set licenseManagement.usbKey.enabled and the key\'s vendorId and productId in licenseManagement.usbKey.devices.',
  presentKeys: [],
  faultSince: null,
  bufferEndsAt: null,
  scannedAt: null,
  pollIntervalSeconds: 0,
};

/** `/status.usbKey` from a judgement (PRODUCT.md §2.7). */
export function usbKeyView(
  judgement: UsbKeyJudgement,
  info: { scannedAt?: number; pollIntervalMs: number },
): UsbKeyView {
  return {
    status: judgement.status,
    keyId: judgement.keyId,
    enabled: true,
    nodes: judgement.nodes.map(r => ({
      node: r.node,
      keys: r.keys.map(k => k.serial),
      faults: r.faults.map(f => f.error),
      available: r.available,
      reason: r.available ? null : (r.reason ?? 'the USB bus cannot be read'),
      seenAt: iso(r.seenAt),
    })),
    message: judgement.message,
    presentKeys: judgement.present,
    faultSince: judgement.faultSince !== null ? iso(judgement.faultSince) : null,
    bufferEndsAt: judgement.bufferEndsAt !== null ? iso(judgement.bufferEndsAt) : null,
    scannedAt: info.scannedAt !== undefined ? iso(info.scannedAt) : null,
    pollIntervalSeconds: info.pollIntervalMs / 1000,
  };
}

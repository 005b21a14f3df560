import { compileCatalog } from './catalog';
import { evaluateLicenses } from './evaluate';
import { usbKeyRecord } from './records';
import { base, DAY, now, plus } from './testUtils';
import { usbKeyNotPresent } from './uploadRules';
import {
  countingKeysAt,
  INITIAL_USB_KEY_MEMORY,
  judgeUsbKey,
  USB_KEY_DISABLED_VIEW,
  usbKeyException,
  usbKeyView,
  type UsbKeyJudgement,
  type UsbKeyMemory,
  type UsbNodeReading,
} from './usbKey';

const SECOND = 1000;
const HOUR = 3_600_000;
const settings = { nodeTimeoutMs: 30 * SECOND, faultBufferMs: 72 * HOUR };
const catalog = compileCatalog();

/** A node's reading at `seenAt`: keys by serial (seen since `since`), faults by error. */
function node(
  id: string,
  over: { keys?: string[]; faults?: string[]; since?: number; seenAt?: number; unavailable?: string } = {},
): UsbNodeReading {
  const seenAt = over.seenAt ?? now;
  const since = over.since ?? seenAt - 10 * SECOND;
  return {
    node: id,
    seenAt,
    available: over.unavailable === undefined,
    ...(over.unavailable !== undefined ? { reason: over.unavailable } : {}),
    keys: (over.keys ?? []).map(serial => ({ serial, since })),
    faults: (over.faults ?? []).map(error => ({ error, since })),
  };
}

const judge = (readings: UsbNodeReading[], previous?: UsbKeyMemory, at = now) =>
  judgeUsbKey({ readings, previous, now: at, settings });

/** Judges a sequence of situations, each from the memory of the one before. */
function run(steps: Array<{ at: number; readings: UsbNodeReading[] }>): UsbKeyJudgement[] {
  let memory: UsbKeyMemory | undefined;
  return steps.map(({ at, readings }) => {
    const j = judge(readings, memory, at);
    memory = j.memory;
    return j;
  });
}

describe('judgeUsbKey', () => {
  it('is ready with exactly one readable key on one node, and that key counts', () => {
    const j = judge([node('mn-1', { keys: ['KEY-A'] }), node('mn-2')]);
    expect(j).toMatchObject({ status: 'ready', keyId: 'KEY-A', counting: ['KEY-A'], present: ['KEY-A'] });
    expect(j.message).toBe('USB key KEY-A is plugged into node mn-1.');
    expect(j.memory).toMatchObject({ readyKey: 'KEY-A', faultSince: null });
    expect(j.events).toEqual(['USB key KEY-A inserted on node mn-1: ready']);
  });

  it('is missing without a key, says to plug it in, and records the removal of the key that was ready', () => {
    const [, j] = run([
      { at: now, readings: [node('mn-1', { keys: ['KEY-A'] })] },
      { at: now + 2 * SECOND, readings: [node('mn-1', { seenAt: now + 2 * SECOND })] },
    ]);
    expect(j).toMatchObject({ status: 'missing', keyId: null, counting: [], present: [] });
    expect(j.message).toMatch(/No USB key is plugged into a management node: plug the USB key into one management node and press Refresh/);
    expect(j.events[0]).toBe('USB key KEY-A removed');
    expect(j.events[1]).toMatch(/^USB key missing: /);
    // The key that was ready is remembered (abnormal goes on with it later).
    expect(j.memory.readyKey).toBe('KEY-A');
  });

  it('is missing with the reasons when no node can read its USB bus', () => {
    const j = judge([
      node('mn-1', { unavailable: 'LIBUSB_ERROR_ACCESS: no permission on /dev/bus/usb' }),
      node('mn-2', { unavailable: 'no USB bus on this host' }),
    ]);
    expect(j.status).toBe('missing');
    expect(j.message).toContain('No management node can read its USB bus (node mn-1: LIBUSB_ERROR_ACCESS: no permission on /dev/bus/usb; node mn-2: no USB bus on this host)');
    expect(j.message).toContain('/dev/bus/usb');
  });

  it('names the nodes that cannot read their bus when others can', () => {
    const j = judge([node('mn-1'), node('mn-2', { unavailable: 'the usb driver failed to load' })]);
    expect(j.status).toBe('missing');
    expect(j.message).toContain('mn-2 (the usb driver failed to load)');
  });

  it('does not count nodes not seen within nodeTimeout', () => {
    const stale = node('mn-1', { keys: ['KEY-A'], seenAt: now - 31 * SECOND });
    const j = judge([stale, node('mn-2')]);
    expect(j.status).toBe('missing');
    expect(j.nodes.map(n => n.node)).toEqual(['mn-2']);
    // A reading seen 20 s ago counts for 10 s more: the judgement says when to look again.
    const fresh = judge([node('mn-1', { keys: ['KEY-A'], seenAt: now - 20 * SECOND })]);
    expect(fresh.status).toBe('ready');
    expect(fresh.validUntil).toBe(now + 10 * SECOND + 1);
  });

  it('says so when no node has looked within the timeout', () => {
    expect(judge([]).message).toMatch(/No management node has looked at its USB bus/);
  });

  describe('abnormal', () => {
    it('with two keys: licensing goes on with the key that was ready before', () => {
      const [, j] = run([
        { at: now, readings: [node('mn-1', { keys: ['KEY-A'] })] },
        { at: now + SECOND, readings: [node('mn-1', { keys: ['KEY-A'] }), node('mn-2', { keys: ['KEY-B'] })] },
      ]);
      expect(j).toMatchObject({ status: 'abnormal', keyId: 'KEY-A', counting: ['KEY-A'], present: ['KEY-A', 'KEY-B'] });
      expect(j.message).toBe(
        'More than one USB key is plugged in (KEY-A on node mn-1 and KEY-B on node mn-2). Remove every key but one; licensing goes on with KEY-A, the key that was ready before.',
      );
      expect(j.events).toEqual([expect.stringMatching(/^USB key abnormal: More than one USB key/)]);
    });

    it('with two keys and none ready before: no key counts', () => {
      const j = judge([node('mn-1', { keys: ['KEY-A', 'KEY-B'] })]);
      expect(j).toMatchObject({ status: 'abnormal', keyId: null, counting: [] });
      expect(j.message).toMatch(/licensing of USB-key licenses is stopped/);
    });

    it('with a readable key and an unreadable device', () => {
      const [, j] = run([
        { at: now, readings: [node('mn-1', { keys: ['KEY-A'] })] },
        { at: now + SECOND, readings: [node('mn-1', { keys: ['KEY-A'] }), node('mn-2', { faults: ['LIBUSB_ERROR_PIPE'] })] },
      ]);
      expect(j).toMatchObject({ status: 'abnormal', counting: ['KEY-A'] });
    });

    it('with two devices of one serial on one node', () => {
      const j = judge([node('mn-1', { keys: ['KEY-A', 'KEY-A'] })]);
      expect(j.status).toBe('abnormal');
      expect(j.message).toMatch(/More than one USB key is plugged in \(KEY-A on node mn-1 and KEY-A on node mn-1\)/);
    });

    it('with one key seen on two nodes at once', () => {
      const [, j] = run([
        { at: now, readings: [node('mn-1', { keys: ['KEY-A'] })] },
        {
          at: now + 4 * SECOND,
          readings: [
            node('mn-1', { keys: ['KEY-A'], since: now - 10 * SECOND, seenAt: now + 4 * SECOND }),
            node('mn-2', { keys: ['KEY-A'], since: now + 2 * SECOND, seenAt: now + 3 * SECOND }),
          ],
        },
      ]);
      expect(j).toMatchObject({ status: 'abnormal', keyId: 'KEY-A', counting: ['KEY-A'] });
      expect(j.message).toMatch(/USB key KEY-A is seen on node mn-1 and node mn-2 at once/);
      expect(j.message).toMatch(/licenseManagement.usbKey.nodeId/);
    });
  });

  it('counts a key moved from one node to another once: ready all along, no gap', () => {
    const steps = run([
      { at: now, readings: [node('mn-1', { keys: ['KEY-A'], since: now - 60 * SECOND, seenAt: now })] },
      // Pulled from mn-1 after its last look, plugged into mn-2, which looks first: mn-1's reading is older.
      {
        at: now + 1500,
        readings: [
          node('mn-1', { keys: ['KEY-A'], since: now - 60 * SECOND, seenAt: now }),
          node('mn-2', { keys: ['KEY-A'], since: now + 1500, seenAt: now + 1500 }),
        ],
      },
      // mn-1 looks again: the key is gone from it.
      {
        at: now + 2000,
        readings: [node('mn-1', { seenAt: now + 2000 }), node('mn-2', { keys: ['KEY-A'], since: now + 1500, seenAt: now + 1500 })],
      },
    ]);
    expect(steps.map(s => [s.status, s.counting])).toEqual([
      ['ready', ['KEY-A']],
      ['ready', ['KEY-A']],
      ['ready', ['KEY-A']],
    ]);
    // Nothing to record but the first insertion: the key never went away.
    expect(steps.flatMap(s => s.events)).toEqual(['USB key KEY-A inserted on node mn-1: ready']);
    expect(steps[2].message).toBe('USB key KEY-A is plugged into node mn-2.');
  });

  describe('fault', () => {
    const ready = { at: now, readings: [node('mn-1', { keys: ['KEY-A'] })] };
    const faulty = (at: number, since = now + SECOND) => ({
      at,
      readings: [node('mn-1', { faults: ['its serial number string cannot be read (LIBUSB_ERROR_PIPE)'], since, seenAt: at })],
    });

    it('goes on with the key that was ready on a buffer until faultBuffer after the fault began, then stops', () => {
      const [, started, during, ended, later] = run([
        ready,
        faulty(now + SECOND),
        faulty(now + 71 * HOUR),
        faulty(now + SECOND + 72 * HOUR),
        faulty(now + 80 * HOUR),
      ]);
      const end = now + SECOND + 72 * HOUR;
      expect(started).toMatchObject({ status: 'fault', keyId: 'KEY-A', counting: ['KEY-A'], countingUntil: end, faultSince: now + SECOND, bufferEndsAt: end });
      expect(started.message).toMatch(/The USB key on node mn-1 cannot be read \(its serial number string cannot be read \(LIBUSB_ERROR_PIPE\)\)\. Licensing goes on with KEY-A on a buffer until 2026-01-04T00:00:01.000Z; re-seat the key/);
      expect(started.events).toEqual([
        expect.stringMatching(/^USB key fault: /),
        'Fault buffer started for USB key KEY-A: it ends at 2026-01-04T00:00:01.000Z',
      ]);
      // Holds until the node's reading times out (it looks again long before), at the latest the buffer's end.
      expect(started.validUntil).toBe(now + SECOND + 30 * SECOND + 1);
      expect(judge(faulty(end - SECOND).readings, started.memory, end - SECOND).validUntil).toBe(end);
      expect(during).toMatchObject({ status: 'fault', counting: ['KEY-A'], events: [] });
      expect(ended).toMatchObject({ status: 'fault', keyId: null, counting: [] });
      expect(ended.message).toMatch(/The buffer ended at 2026-01-04T00:00:01.000Z: licenses bound to USB key KEY-A are not in force/);
      expect(ended.events).toEqual([
        'Fault buffer ended at 2026-01-04T00:00:01.000Z: licenses bound to USB key KEY-A are no longer in force',
      ]);
      // Recorded once.
      expect(later.events).toEqual([]);
    });

    it('counts an empty serial string as unreadable', () => {
      const j = judge([node('mn-1', { keys: [''] })]);
      expect(j.status).toBe('fault');
      expect(j.present).toEqual([]);
      expect(j.nodes[0]).toMatchObject({ keys: [], faults: [{ error: 'its serial number string is empty' }] });
    });

    it('with no key ready before, no buffer applies', () => {
      const j = judge(faulty(now).readings);
      expect(j).toMatchObject({ status: 'fault', counting: [] });
      expect(j.message).toMatch(/no USB key was ready before, so no buffer applies/);
    });

    it('does not start a new buffer when the faulty key is pulled and plugged back', () => {
      const steps = run([
        ready,
        faulty(now + SECOND),
        { at: now + 10 * HOUR, readings: [node('mn-1', { seenAt: now + 10 * HOUR })] },
        faulty(now + 11 * HOUR, now + 11 * HOUR),
      ]);
      expect(steps[2]).toMatchObject({ status: 'missing', counting: [] });
      expect(steps[3]).toMatchObject({ status: 'fault', faultSince: now + SECOND, countingUntil: now + SECOND + 72 * HOUR });
    });

    it('ends when the key can be read again', () => {
      const steps = run([ready, faulty(now + SECOND), { at: now + 2 * HOUR, readings: [node('mn-1', { keys: ['KEY-A'], seenAt: now + 2 * HOUR })] }]);
      expect(steps[2]).toMatchObject({ status: 'ready', faultSince: null, bufferEndsAt: null });
      expect(steps[2].events).toEqual(['USB key KEY-A ready on node mn-1', 'Fault buffer ended: USB key KEY-A can be read again']);
    });
  });

  it('starts from nothing ready', () => {
    expect(judge([]).memory).toEqual({ ...INITIAL_USB_KEY_MEMORY, situation: 'missing' });
  });
});

describe('countingKeysAt', () => {
  it('stops counting at the end of the buffer', () => {
    const usb = { status: 'fault' as const, counting: ['KEY-A'], countingUntil: now + HOUR, message: '' };
    expect(countingKeysAt(usb, now)).toEqual(['KEY-A']);
    expect(countingKeysAt(usb, now + HOUR)).toEqual([]);
    expect(countingKeysAt(undefined, now)).toEqual([]);
  });
});

describe('usbKeyException', () => {
  const of = (status: 'ready' | 'missing' | 'abnormal' | 'fault') => ({ status, counting: [], message: `m-${status}` });
  it('raises abnormal and fault always, missing only while a usb-key license depends on the key', () => {
    expect(usbKeyException(of('abnormal'), false)).toEqual({ code: 'USB_KEY_ABNORMAL', message: 'm-abnormal' });
    expect(usbKeyException(of('fault'), false)).toEqual({ code: 'USB_KEY_FAULT', message: 'm-fault' });
    expect(usbKeyException(of('missing'), false)).toBeUndefined();
    expect(usbKeyException(of('missing'), true)).toMatchObject({ code: 'USB_KEY_MISSING', message: expect.stringMatching(/^m-missing Licenses bound to a USB key are not in force/) });
    expect(usbKeyException(of('ready'), true)).toBeUndefined();
    expect(usbKeyException(undefined, true)).toBeUndefined();
  });
});

describe('evaluateLicenses with a USB key', () => {
  const b = base('b');
  const usbGpu = plus('usb-gpu', 'gpu', { method: 'usb-key', keyId: 'KEY-A', uploadSeq: 20, quota: {} });
  const keyGpu = plus('key-gpu', 'gpu', { uploadSeq: 10 });
  const ready = { status: 'ready' as const, counting: ['KEY-A'], message: 'ready' };
  const missing = { status: 'missing' as const, counting: [], message: 'No USB key.' };

  it('puts a usb-key license in force only while its key counts', () => {
    expect(evaluateLicenses({ licenses: [b, usbGpu], catalog, now, usbKey: ready }).plus.get('gpu')?.id).toBe('usb-gpu');
    const e = evaluateLicenses({ licenses: [b, usbGpu], catalog, now, usbKey: missing });
    expect(e.plus.has('gpu')).toBe(false);
    expect(e.states.get('usb-gpu')).toBe('key-missing');
    expect(e.exceptions.map(x => x.code)).toEqual(['USB_KEY_MISSING']);
    // USB key licensing off: no key counts, no USB exception.
    const off = evaluateLicenses({ licenses: [b, usbGpu], catalog, now });
    expect(off.states.get('usb-gpu')).toBe('key-missing');
    expect(off.exceptions).toEqual([]);
  });

  it('keeps the slot rule: the one uploaded last holds the slot while in force, else the other does', () => {
    const inForce = evaluateLicenses({ licenses: [b, keyGpu, usbGpu], catalog, now, usbKey: ready });
    expect(Object.fromEntries(inForce.states)).toMatchObject({ 'usb-gpu': 'valid', 'key-gpu': 'superseded' });
    const out = evaluateLicenses({ licenses: [b, keyGpu, usbGpu], catalog, now, usbKey: missing });
    expect(Object.fromEntries(out.states)).toMatchObject({ 'usb-gpu': 'key-missing', 'key-gpu': 'valid' });
    expect(out.plus.get('gpu')?.id).toBe('key-gpu');
    // A request-key license uploaded after the USB one holds the slot whatever the key does.
    const later = plus('later-gpu', 'gpu', { uploadSeq: 30 });
    const both = evaluateLicenses({ licenses: [b, keyGpu, usbGpu, later], catalog, now, usbKey: ready });
    expect(both.plus.get('gpu')?.id).toBe('later-gpu');
  });

  it('ends the buffer by itself: the evaluation holds until then', () => {
    const buffered = { status: 'fault' as const, counting: ['KEY-A'], countingUntil: now + HOUR, message: 'Fault.' };
    const e = evaluateLicenses({ licenses: [b, usbGpu], catalog, now, usbKey: buffered });
    expect(e.plus.get('gpu')?.id).toBe('usb-gpu');
    expect(e.validUntil).toBe(now + HOUR);
    expect(e.exceptions.map(x => x.code)).toEqual(['USB_KEY_FAULT']);
    const after = evaluateLicenses({ licenses: [b, usbGpu], catalog, now: now + HOUR, usbKey: buffered });
    expect(after.states.get('usb-gpu')).toBe('key-missing');
  });

  it('a usb-key Base whose key is missing leaves the portal community, and an expired one stays expired', () => {
    const usbBase = base('usb-base', { method: 'usb-key', keyId: 'KEY-A' });
    expect(evaluateLicenses({ licenses: [usbBase], catalog, now, usbKey: missing }).state).toBe('community');
    const old = base('old', { method: 'usb-key', keyId: 'KEY-A', expiresAt: now - DAY });
    const e = evaluateLicenses({ licenses: [old], catalog, now, usbKey: missing });
    expect(e.states.get('old')).toBe('expired');
    // An expired usb-key license is nothing the key is needed for.
    expect(e.exceptions.map(x => x.code)).toEqual(['LICENSE_EXPIRED']);
  });

  it('does not let a license whose key is missing silence LICENSE_EXPIRING', () => {
    const expiring = plus('key-gpu', 'gpu', { expiresAt: now + 5 * DAY, uploadSeq: 10 });
    const renewal = plus('usb-renewal', 'gpu', { method: 'usb-key', keyId: 'KEY-A', notBefore: now + 4 * DAY, uploadSeq: 11 });
    const withKey = evaluateLicenses({ licenses: [b, expiring, renewal], catalog, now, usbKey: ready });
    expect(withKey.exceptions.some(x => x.code === 'LICENSE_EXPIRING' && x.slot === 'gpu')).toBe(false);
    const without = evaluateLicenses({ licenses: [b, expiring, renewal], catalog, now, usbKey: missing });
    expect(without.exceptions.some(x => x.code === 'LICENSE_EXPIRING' && x.slot === 'gpu')).toBe(true);
  });
});

describe('usbKeyNotPresent', () => {
  const usb = { id: 'u1', method: 'usb-key' as const, keyId: 'KEY-A' };
  it('refuses a usb-key license whose key is not plugged in, saying which key to plug in and where', () => {
    const e = usbKeyNotPresent({ enabled: true, present: ['KEY-B'] }, [usb]);
    expect(e?.kind).toBe('invalid');
    expect(e?.message).toBe(
      "Nothing was installed. license 'u1' was rejected: it is bound to USB key KEY-A, which is not plugged into a management node (plugged in now: KEY-B): plug the USB key with serial KEY-A into a management node and press Refresh, then upload again.",
    );
    expect(usbKeyNotPresent({ enabled: true, present: [] }, [usb])?.message).toMatch(/no USB key is plugged in now/);
  });

  it('refuses it when USB key licensing is off, saying how to turn it on', () => {
    expect(usbKeyNotPresent(undefined, [usb])?.message).toMatch(/USB key licensing is not enabled on this portal: set licenseManagement.usbKey.enabled/);
  });

  it('accepts it when its key is present, and never looks at request-key licenses', () => {
    expect(usbKeyNotPresent({ enabled: true, present: ['KEY-A'] }, [usb])).toBeUndefined();
    expect(usbKeyNotPresent(undefined, [{ id: 'r', method: 'request-key', keyId: 'X' }])).toBeUndefined();
  });
});

describe('usbKeyView and usbKeyRecord', () => {
  it('shows the judgement as /status.usbKey', () => {
    const j = judge([node('mn-1', { keys: ['KEY-A'] }), node('mn-2', { unavailable: 'no bus' })]);
    expect(usbKeyView(j, { scannedAt: now, pollIntervalMs: 2000 })).toEqual({
      status: 'ready',
      keyId: 'KEY-A',
      enabled: true,
      nodes: [
        { node: 'mn-1', keys: ['KEY-A'], faults: [], available: true, reason: null, seenAt: new Date(now).toISOString() },
        { node: 'mn-2', keys: [], faults: [], available: false, reason: 'no bus', seenAt: new Date(now).toISOString() },
      ],
      message: 'USB key KEY-A is plugged into node mn-1.',
      presentKeys: ['KEY-A'],
      faultSince: null,
      bufferEndsAt: null,
      scannedAt: new Date(now).toISOString(),
      pollIntervalSeconds: 2,
    });
    expect(USB_KEY_DISABLED_VIEW).toMatchObject({ status: 'missing', enabled: false, keyId: null, nodes: [] });
  });

  it('records a USB key change as a usb-key record by the system', () => {
    expect(usbKeyRecord('USB key KEY-A removed', now, 'KEY-A')).toEqual({
      time: now,
      action: 'usb-key',
      method: 'usb-key',
      actor: 'system',
      detail: 'USB key KEY-A removed [key KEY-A]',
    });
  });
});

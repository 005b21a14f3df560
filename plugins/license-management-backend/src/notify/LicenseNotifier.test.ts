import {
  compileCatalog,
  DAY_MS,
  evaluateLicenses,
  type InstalledLicense,
  LICENSE_STATUS_SIGNAL_CHANNEL,
} from '@backstage-licensing/plugin-license-management-common';
import { LicenseNotifier, type LicenseStatusSource } from './LicenseNotifier';

const DAY = DAY_MS;
const START = Date.UTC(2026, 0, 1);
const catalog = compileCatalog();

function license(over: Partial<InstalledLicense> & { id: string }): InstalledLicense {
  return {
    type: 'base',
    item: 'standard',
    method: 'request-key',
    keyId: 'k',
    issuer: 'vendor',
    quota: {},
    issuedAt: START - DAY,
    expiresAt: START + 365 * DAY,
    uploadedAt: START - DAY,
    uploadSeq: 1,
    ...over,
  };
}

/** A status source over a list of licenses, a usage table and a clock; `change()` is a reload. */
function fakeSource(licenses: InstalledLicense[]) {
  const listeners = new Set<(revision: number) => void>();
  const state = { now: START, licenses, usage: {} as Record<string, number>, revision: 1 };
  const source: LicenseStatusSource = {
    catalog,
    evaluation: () => evaluateLicenses({ licenses: state.licenses, catalog, now: state.now, usage: state.usage }),
    onChange(listener) {
      listeners.add(listener);
      listener(state.revision);
      return () => listeners.delete(listener);
    },
  };
  const change = () => {
    state.revision += 1;
    for (const l of listeners) l(state.revision);
  };
  return { source, state, change, listeners };
}

function setup(licenses: InstalledLicense[], recipients = ['group:default/license-admins']) {
  const fake = fakeSource(licenses);
  const sent: any[] = [];
  const published: any[] = [];
  const notifications = { send: jest.fn(async (n: any): Promise<void> => void sent.push(n)) };
  const signals = { publish: jest.fn(async (s: any): Promise<void> => void published.push(s)) };
  const logger = { warn: jest.fn(), info: jest.fn(), debug: jest.fn() };
  const notifier = new LicenseNotifier(fake.source, { notifications, signals, recipients, logger });
  const scopes = () => sent.map(n => n.payload.scope);
  return { ...fake, notifier, sent, published, notifications, signals, logger, scopes };
}

/** Lets the check queued by a change run. */
const settle = (n: LicenseNotifier) => n.check();

describe('LicenseNotifier', () => {
  it('notifies the admins once on start, with scope, link, severity and topic; no signal yet', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })]);
    t.notifier.start();
    await settle(t.notifier);
    expect(t.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: ['group:default/license-admins'] },
        payload: expect.objectContaining({
          title: 'The Standard Base license runs out within 15 days',
          scope: 'license-management:slot:base:expiring:15',
          link: '/license-management',
          severity: 'normal',
          topic: 'license-management',
          metadata: { kind: 'expiring', code: 'LICENSE_EXPIRING', slot: 'base', thresholdDays: 15 },
        }),
      },
    ]);
    expect(t.published).toEqual([]);
  });

  it('does not send the same notice again on a repeat, and publishes the change as a signal', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })]);
    t.notifier.start();
    await settle(t.notifier);
    t.change();
    await settle(t.notifier);
    await t.notifier.check();
    t.state.now += DAY; // 9 days left: still the 15-day threshold
    await t.notifier.check();
    expect(t.sent).toHaveLength(1);
    expect(t.published).toEqual([
      { recipients: { type: 'broadcast' }, channel: LICENSE_STATUS_SIGNAL_CHANNEL, message: { revision: 2 } },
      // The day passing changed the warning's days left: pages are told too.
      { recipients: { type: 'broadcast' }, channel: LICENSE_STATUS_SIGNAL_CHANNEL, message: { revision: 2 } },
    ]);
  });

  it('sends again past the next threshold, and on expiry', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })]);
    t.notifier.start();
    await settle(t.notifier);
    t.state.now = START + 4 * DAY; // 6 days left
    await t.notifier.check();
    t.state.now = START + 9 * DAY + 1; // less than a day left
    await t.notifier.check();
    t.state.now = START + 10 * DAY;
    await t.notifier.check();
    expect(t.scopes()).toEqual([
      'license-management:slot:base:expiring:15',
      'license-management:slot:base:expiring:7',
      'license-management:slot:base:expiring:1',
      'license-management:slot:base:expired',
    ]);
    expect(t.sent.map(n => n.payload.severity)).toEqual(['normal', 'high', 'high', 'critical']);
  });

  it('sends nothing more once a renewal is loaded', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })]);
    t.notifier.start();
    await settle(t.notifier);
    t.state.licenses = [
      ...t.state.licenses,
      license({ id: 'renewal', notBefore: START + 10 * DAY, expiresAt: START + 400 * DAY, uploadSeq: 2 }),
    ];
    t.change();
    await settle(t.notifier);
    t.state.now = START + 5 * DAY;
    await t.notifier.check();
    expect(t.scopes()).toEqual(['license-management:slot:base:expiring:15']);
  });

  it('sends a notice again when it goes away and comes back', async () => {
    const t = setup([license({ id: 'b', quota: { hosts: 2 } })]);
    t.notifier.start();
    t.state.usage = { hosts: 3 };
    t.change();
    await settle(t.notifier);
    t.state.usage = { hosts: 1 };
    t.change();
    await settle(t.notifier);
    t.state.usage = { hosts: 5 };
    t.change();
    await settle(t.notifier);
    expect(t.scopes()).toEqual(['license-management:quota:hosts', 'license-management:quota:hosts']);
    expect(t.sent[0].payload.severity).toBe('critical');
  });

  it('sends each fault of exceptions[] once', async () => {
    const t = setup([license({ id: 'b' })]);
    const evaluate = t.source.evaluation;
    t.source.evaluation = () => {
      const e = evaluate();
      return { ...e, exceptions: [...e.exceptions, { code: 'USB_KEY_FAULT', message: 'The USB key cannot be read.' }] };
    };
    t.notifier.start();
    await settle(t.notifier);
    await t.notifier.check();
    expect(t.sent.map(n => [n.payload.scope, n.payload.severity, n.payload.description])).toEqual([
      ['license-management:exception:USB_KEY_FAULT', 'high', 'The USB key cannot be read.'],
    ]);
  });

  it('logs a failing send once at warn, goes on, and sends it at the next check', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })]);
    t.notifications.send.mockRejectedValue(new Error('Request failed with status 404'));
    t.notifier.start();
    await expect(settle(t.notifier)).resolves.toBeUndefined();
    t.change();
    await expect(settle(t.notifier)).resolves.toBeUndefined();
    expect(t.notifications.send).toHaveBeenCalledTimes(2);
    expect(t.logger.warn).toHaveBeenCalledTimes(1);
    expect(t.logger.warn.mock.calls[0][0]).toMatch(/Could not send the license notification .*404.*Licensing goes on/);
    expect(t.logger.debug).toHaveBeenCalledTimes(1);

    t.notifications.send.mockImplementation(async (n: any) => void t.sent.push(n));
    await t.notifier.check();
    expect(t.scopes()).toEqual(['license-management:slot:base:expiring:15']);
    expect(t.logger.info).toHaveBeenCalledWith('License notifications work again.');
    await t.notifier.check();
    expect(t.sent).toHaveLength(1);
  });

  it('logs a failing signal once and goes on to the notices', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })]);
    t.signals.publish.mockRejectedValue(new Error('no events'));
    t.notifier.start();
    t.change();
    await settle(t.notifier);
    t.change();
    await settle(t.notifier);
    expect(t.logger.warn).toHaveBeenCalledTimes(1);
    expect(t.logger.warn.mock.calls[0][0]).toMatch(/Could not publish the license status signal: Error: no events/);
    expect(t.sent).toHaveLength(1);
  });

  it('runs one check at a time: concurrent checks never send a notice twice', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })]);
    let release!: () => void;
    t.notifications.send.mockImplementationOnce(
      (n: any) => new Promise<void>(r => (release = () => r(void t.sent.push(n)))),
    );
    t.notifier.start();
    const checks = [t.notifier.check(), t.notifier.check(), t.notifier.check()];
    await new Promise(r => setImmediate(r));
    release();
    await Promise.all(checks);
    expect(t.notifications.send).toHaveBeenCalledTimes(1);
  });

  it('without admin recipients sends no notification but still publishes signals', async () => {
    const t = setup([license({ id: 'b', expiresAt: START + 10 * DAY })], []);
    t.notifier.start();
    t.change();
    await settle(t.notifier);
    expect(t.notifications.send).not.toHaveBeenCalled();
    expect(t.published).toHaveLength(1);
  });

  it('stops following changes when stopped', async () => {
    const t = setup([license({ id: 'b' })]);
    t.notifier.start();
    t.notifier.stop();
    expect(t.listeners.size).toBe(0);
  });
});

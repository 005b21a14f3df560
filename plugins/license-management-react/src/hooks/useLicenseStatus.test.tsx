import { registerMswTestHooks } from '@backstage/test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { JsonObject } from '@backstage/types';
import { act, screen } from '@testing-library/react';
import { LICENSE_STATUS_SIGNAL_CHANNEL } from '@backstage-licensing/plugin-license-management-common';
import { setupServer } from 'msw/node';
import React from 'react';
import { communityStatus, validStatus } from '../testUtils/fixtures';
import { renderLicensing } from '../testUtils/render';
import { type FakeBackend, licenseHandlers } from '../testUtils/server';
import { useLicenseStatus } from './useLicenseStatus';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

/** A signal API that the test publishes on, as the signals plugin would from the backend. */
function fakeSignals() {
  const subscribers = new Map<string, Set<(message: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const set = subscribers.get(channel) ?? new Set();
      subscribers.set(channel, set);
      const listener = onMessage as (message: JsonObject) => void;
      set.add(listener);
      return { unsubscribe: () => set.delete(listener) };
    },
  };
  const publish = (channel: string, message: JsonObject) => subscribers.get(channel)?.forEach(l => l(message));
  const count = (channel: string) => subscribers.get(channel)?.size ?? 0;
  return { api, publish, count };
}

function State({ name }: { name: string }) {
  const { status } = useLicenseStatus();
  return <p>{`${name}: ${status?.state ?? 'loading'}`}</p>;
}

let fake: FakeBackend;
beforeEach(() => {
  fake = { status: communityStatus(), licenses: [], records: [], seen: [] };
  server.use(...licenseHandlers(fake));
});
const statusReads = () => fake.seen.filter(s => s === 'GET /status').length;

describe('useLicenseStatus', () => {
  it('re-reads the status at once when the backend signals a change, once per signal', async () => {
    const signals = fakeSignals();
    const { unmount } = await renderLicensing(
      <>
        <State name="banner" />
        <State name="gate" />
      </>,
      { apis: [[signalApiRef, signals.api]] },
    );
    expect(await screen.findByText('banner: community')).toBeInTheDocument();
    expect(statusReads()).toBe(1);
    expect(signals.count(LICENSE_STATUS_SIGNAL_CHANNEL)).toBeGreaterThan(0);

    // An admin uploads a license: the backend publishes on the channel. The
    // next poll is a minute away, so only the signal can bring it this soon.
    fake.status = validStatus();
    act(() => signals.publish(LICENSE_STATUS_SIGNAL_CHANNEL, { revision: 2 }));
    expect(await screen.findByText('banner: valid', {}, { timeout: 2_000 })).toBeInTheDocument();
    expect(screen.getByText('gate: valid')).toBeInTheDocument();
    expect(statusReads()).toBe(2);

    // Other channels are not the plugin's business.
    act(() => signals.publish('catalog:refresh', { revision: 3 }));
    await act(() => new Promise(r => setTimeout(r, 50)));
    expect(statusReads()).toBe(2);

    unmount();
    expect(signals.count(LICENSE_STATUS_SIGNAL_CHANNEL)).toBe(0);
  });

  it('works without a signal API (the app has no signals plugin): it reads and polls as before', async () => {
    await renderLicensing(<State name="banner" />);
    expect(await screen.findByText('banner: community')).toBeInTheDocument();
    expect(statusReads()).toBe(1);
  });
});

import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import React from 'react';
import { LIST_TITLES, SERVER_STATUSES, type LicenseServerView } from '@backstage-licensing/plugin-license-management-common';
import { aServer, DAY_MS } from '../../testUtils/fixtures';
import { LicenseServerCard } from './LicenseServerCard';

const iso = (ms: number) => new Date(ms).toISOString();

const BY_STATUS: Record<LicenseServerView['status'], LicenseServerView> = {
  'not-configured': aServer({ status: 'not-configured', url: null, lastContactAt: null, message: null }),
  connected: aServer(),
  disconnected: aServer({
    status: 'disconnected',
    lastContactAt: iso(Date.now() - 3_600_000),
    graceUntil: iso(Date.now() + 23 * 3_600_000 + 30 * 60_000 + 30_000),
    message: 'The license server at http://licenses.example.com:7007 cannot be reached: connect ECONNREFUSED. The lease holds until the grace period ends.',
  }),
  refused: aServer({
    status: 'refused',
    graceUntil: iso(Date.now() + DAY_MS / 2),
    message: 'The license server refused the lease: the credential is unknown or revoked. Ask its admin to register this site again.',
  }),
  serving: aServer({ status: 'serving', url: null, lastContactAt: null, message: 'This portal is a license server: it shares its quota with 2 client sites.' }),
};

const valueOf = (term: string) => within(screen.getByTestId('license-server')).getByText(term).nextSibling as HTMLElement;
const hasTerm = (term: string) => within(screen.getByTestId('license-server')).queryByText(term) !== null;

describe('LicenseServerCard', () => {
  it.each(SERVER_STATUSES)('shows the %s status in the list words, with the message', async status => {
    const server = BY_STATUS[status];
    await renderInTestApp(<LicenseServerCard server={server} />);
    expect(valueOf('Status')).toHaveTextContent(LIST_TITLES.serverStatus[status]);
    if (server.message) expect(screen.getByTestId('license-server-message')).toHaveTextContent(server.message);
    const client = status === 'connected' || status === 'disconnected' || status === 'refused';
    expect(hasTerm('Server')).toBe(client);
    expect(hasTerm('Last contact')).toBe(client);
    if (client) expect(valueOf('Server')).toHaveTextContent('http://licenses.example.com:7007');
    expect(hasTerm('Grace left')).toBe(status === 'disconnected' || status === 'refused');
  });

  it('shows the grace left while disconnected, and when it has run out', async () => {
    const { unmount } = await renderInTestApp(<LicenseServerCard server={BY_STATUS.disconnected} />);
    expect(screen.getByTestId('server-grace')).toHaveTextContent(/^23 hours (29|30) minutes left \(until /);
    unmount();
    await renderInTestApp(<LicenseServerCard server={{ ...BY_STATUS.disconnected, graceUntil: iso(Date.now() - 1000) }} />);
    expect(screen.getByTestId('server-grace')).toHaveTextContent(/^Ended .*: no license until the server answers$/);
  });

  it('explains a status the server sent no message for', async () => {
    await renderInTestApp(<LicenseServerCard server={BY_STATUS['not-configured']} />);
    expect(screen.getByTestId('license-server-message')).toHaveTextContent(/runs on its own local licenses/);
  });
});

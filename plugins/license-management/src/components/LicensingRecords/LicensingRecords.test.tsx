import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import React from 'react';
import { communityStatus, someRecords } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { type FakeBackend, licenseHandlers } from '../../testUtils/server';
import { LicensingRecords } from './LicensingRecords';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

let fake: FakeBackend;
beforeEach(() => {
  fake = { status: communityStatus(), licenses: [], records: someRecords(8), seen: [] };
  server.use(...licenseHandlers(fake));
});

const recordCalls = () => fake.seen.filter(s => s.startsWith('GET /records'));
const rows = () => screen.getAllByText(/^lic-\d+$/).map(e => e.textContent);

describe('LicensingRecords', () => {
  it('pages newest first by cursor, forward and back', async () => {
    fake.records = someRecords(12);
    await renderLicensing(<LicensingRecords initialPageSize={5} />);
    expect(await screen.findByText('Page 1 · 5 records')).toBeInTheDocument();
    expect(rows()[0]).toBe('lic-0');
    expect(screen.getByRole('button', { name: /Newer/ })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: /Older/ }));
    expect(await screen.findByText('Page 2 · 5 records')).toBeInTheDocument();
    expect(rows()[0]).toBe('lic-5');
    expect(recordCalls()).toContain('GET /records?limit=5&cursor=996');

    await userEvent.click(screen.getByRole('button', { name: /Older/ }));
    expect(await screen.findByText('Page 3 · 2 records')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Older/ })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: /Newer/ }));
    expect(await screen.findByText('Page 2 · 5 records')).toBeInTheDocument();
    expect(rows()[0]).toBe('lic-5');
  });

  it('shows the columns of the guide, plus who', async () => {
    fake.records = someRecords(2);
    await renderLicensing(<LicensingRecords />);
    await screen.findByText('Page 1 · 2 records');
    for (const title of ['Time', 'Action', 'License type', 'Authorized items', 'Method', 'Quota', 'State', 'Issued', 'Expires', 'Who']) {
      expect(screen.getByRole('columnheader', { name: title })).toBeInTheDocument();
    }
    expect(screen.getAllByText('Backup Service')[0]).toBeInTheDocument();
    expect(screen.getAllByText('development/guest')[0]).toHaveAttribute('title', 'user:development/guest');
  });

  it('filters by item and searches, starting again from the first page', async () => {
    fake.records = [...someRecords(3), ...someRecords(2, 3).map(r => ({ ...r, item: 'vmware' }))];
    await renderLicensing(<LicensingRecords />);
    await screen.findByText('Page 1 · 5 records');

    await userEvent.click(screen.getByRole('button', { name: 'Authorized item' }));
    await userEvent.click(within(await screen.findByRole('listbox')).getByText('VMware Management'));
    expect(await screen.findByText('Page 1 · 2 records')).toBeInTheDocument();
    expect(recordCalls()).toContain('GET /records?item=vmware&limit=25');

    await userEvent.type(screen.getByRole('textbox', { name: 'Search records' }), 'lic-4');
    await waitFor(() => expect(recordCalls()).toContain('GET /records?item=vmware&q=lic-4&limit=25'));
  });

  it('exports every matching record as CSV, page by page', async () => {
    fake.records = someRecords(450);
    const saved: Blob[] = [];
    const createObjectURL = jest.fn((b: Blob) => {
      saved.push(b);
      return 'blob:x';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    await renderLicensing(<LicensingRecords initialPageSize={5} />);
    await screen.findByText('Page 1 · 5 records');

    await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(recordCalls().filter(c => c.includes('limit=200'))).toHaveLength(3);
    const csv = await saved[0].text();
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(451);
    expect(lines[0]).toBe('Time,Action,License type,Authorized items,Method,Quota,State,Issued,Expires,Who,License ID,Detail,Time (ISO-8601)');
    expect(lines[1]).toContain(',Uploaded,Plus,Backup Service,Local (request key),—,Valid,');
    click.mockRestore();
  });

  it('explains an empty history', async () => {
    fake.records = [];
    await renderLicensing(<LicensingRecords />);
    expect(await screen.findByText(/No licensing records yet/)).toBeInTheDocument();
  });
});

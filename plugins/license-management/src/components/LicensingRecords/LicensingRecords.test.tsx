import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { LIST_TITLES, RECORD_ACTIONS } from '@backstage-licensing/plugin-license-management-common';
import { communityStatus, customCatalogStatus, someRecords } from '../../testUtils/fixtures';
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
    for (const title of ['Time', 'Action', 'License type', 'Authorized items', 'Method', 'Quota', 'State', 'Issued', 'Valid through', 'Who']) {
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
    expect(lines[0]).toBe('Time,Action,License type,Authorized items,Method,Quota,State,Issued,Valid through,Who,License ID,Detail,Time (ISO-8601)');
    expect(lines[1]).toContain(',Upload,Plus,Backup Service,Request key,—,Valid,');
    click.mockRestore();
  });

  it('keeps filters and search in the URL: a reload or a link opens the same records', async () => {
    fake.records = [
      ...someRecords(3),
      ...someRecords(2, 3).map(r => ({ ...r, action: 'delete' as const })),
    ];
    function Probe() {
      return <span data-testid="location">{useLocation().search}</span>;
    }
    await renderLicensing(
      <Routes>
        <Route path="/records" element={<><LicensingRecords /><Probe /></>} />
      </Routes>,
      { routeEntries: ['/records?action=delete&q=lic-4'] },
    );
    expect(await screen.findByText('Page 1 · 1 record')).toBeInTheDocument();
    expect(recordCalls()[0]).toBe('GET /records?action=delete&q=lic-4&limit=25');
    expect(screen.getByRole('textbox', { name: 'Search records' })).toHaveValue('lic-4');
    expect(screen.getByRole('button', { name: 'Action' })).toHaveTextContent('Delete');

    await userEvent.click(screen.getByRole('button', { name: 'License type' }));
    await userEvent.click(within(await screen.findByRole('listbox')).getByText('Plus'));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('?action=delete&q=lic-4&type=plus'));
    await waitFor(() => expect(recordCalls()).toContain('GET /records?type=plus&action=delete&q=lic-4&limit=25'));

    await userEvent.clear(screen.getByRole('textbox', { name: 'Search records' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\?action=delete&type=plus$/));
  });

  it('offers every record action, rejected uploads included, in the words of LIST_TITLES', async () => {
    fake.records = [{ ...someRecords(1)[0], action: 'rejected', detail: "this file holds no license: 'notes.txt'" }];
    await renderLicensing(<LicensingRecords />);
    expect(await screen.findByText('Rejected')).toBeInTheDocument();
    expect(screen.getByText("this file holds no license: 'notes.txt'")).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Action' }));
    const options = within(await screen.findByRole('listbox')).getAllByRole('option').map(o => o.textContent);
    // Every action of the -common list, in its words: new actions appear without touching the page.
    expect(options).toEqual(['All', ...RECORD_ACTIONS.map(a => LIST_TITLES.action[a])]);
    expect(options).toEqual(expect.arrayContaining(['Upload', 'Delete', 'Rejected']));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('Rejected'));
    await waitFor(() => expect(recordCalls()).toContain('GET /records?action=rejected&limit=25'));
  });

  it("offers the editions and modules of the portal's own catalog, and names items with its titles", async () => {
    fake.status = customCatalogStatus();
    fake.records = someRecords(2).map(r => ({ ...r, item: 'insights', quota: { 'insight-runs': 500 } }));
    await renderLicensing(<LicensingRecords />);
    expect((await screen.findAllByText('Insights Add-on')).length).toBe(2);
    expect(screen.getAllByText('Insight runs: 500')).toHaveLength(2);
    await userEvent.click(screen.getByRole('button', { name: 'Authorized item' }));
    const options = within(await screen.findByRole('listbox')).getAllByRole('option').map(o => o.textContent);
    expect(options).toEqual(['All', 'Starter Edition', 'Insights Add-on']);
  });

  it('shows and exports the last valid day of a license, as the vendor typed it', async () => {
    fake.records = someRecords(1).map(r => ({ ...r, expiresAt: '2028-01-01T00:00:00.000Z' }));
    const saved: Blob[] = [];
    Object.assign(URL, { createObjectURL: (b: Blob) => (saved.push(b), 'blob:x'), revokeObjectURL: jest.fn() });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    await renderLicensing(<LicensingRecords />);
    const cell = await screen.findByText('Dec 31, 2027');
    expect(cell.closest('tr')).not.toHaveTextContent('2028');
    await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const row = (await saved[0].text()).split('\r\n')[1];
    expect(row).toContain('"Dec 31, 2027"');
    click.mockRestore();
  });

  it('explains an empty history', async () => {
    fake.records = [];
    await renderLicensing(<LicensingRecords />);
    expect(await screen.findByText(/No licensing records yet/)).toBeInTheDocument();
  });
});

// Server licensing on the page: the Server method of the Upload License
// dialog (connect, the server's answer, disconnect) and, on a license server,
// the Client Sites section (pool, sites, register, revoke).
import { AlertDisplay } from '@backstage/core-components';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { aLicense, aPool, aServer, servingStatus, someSites, validStatus } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { errorBody, type FakeBackend, licenseHandlers } from '../../testUtils/server';
import { LicenseManagementPage } from './LicenseManagementPage';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

let fake: FakeBackend;
function serve(partial: Partial<FakeBackend>) {
  fake = { status: validStatus(), licenses: [aLicense()], records: [], seen: [], ...partial };
  server.use(...licenseHandlers(fake));
}

const renderPage = () =>
  renderLicensing(
    <>
      <AlertDisplay />
      <Routes>
        <Route path="/license-management/*" element={<LicenseManagementPage />} />
      </Routes>
    </>,
    { routeEntries: ['/license-management'] },
  );

async function openServerMethod() {
  const upload = await screen.findByRole('button', { name: /Upload License/ });
  await waitFor(() => expect(upload).toBeEnabled());
  await userEvent.click(upload);
  const dialog = await screen.findByRole('dialog');
  await userEvent.click(within(dialog).getByLabelText('Server licensing'));
  return dialog;
}

describe('LicenseManagementPage: server licensing', () => {
  it("connects to a license server (PUT /server) and shows the server's answer", async () => {
    serve({});
    await renderPage();
    const dialog = await openServerMethod();
    const connect = within(dialog).getByRole('button', { name: 'Connect' });
    expect(connect).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Server address/), 'licenses.example.com');
    await userEvent.type(within(dialog).getByLabelText(/Site credential/), 'site-secret');
    await userEvent.tab();
    expect(within(dialog).getByText(/backend base URL, e.g. http:\/\/licenses.example.com:7007/)).toBeInTheDocument();
    expect(connect).toBeDisabled();
    await userEvent.clear(within(dialog).getByLabelText(/Server address/));
    await userEvent.type(within(dialog).getByLabelText(/Server address/), 'http://licenses.example.com:7007');
    await userEvent.click(connect);

    const answer = await within(dialog).findByTestId('server-answer');
    await waitFor(() => expect(answer).toHaveTextContent('License server: Connected'));
    expect(answer).toHaveTextContent('Connected to the license server at http://licenses.example.com:7007.');
    expect(fake.seen).toContain('PUT /server');
    expect(fake.connection).toMatchObject({ url: 'http://licenses.example.com:7007', source: 'runtime' });
    // The credential field is emptied once sent.
    expect(within(dialog).getByLabelText(/Site credential/)).toHaveValue('');
    // The card follows the status.
    await waitFor(() => expect(within(screen.getByTestId('license-server')).getByText('Connected')).toBeInTheDocument());
  });

  it("shows the server's refusal, in its words", async () => {
    serve({
      connect: () =>
        errorBody(400, 'InputError', 'The license server at http://licenses.example.com:7007 refused the credential: register this site again.'),
    });
    await renderPage();
    const dialog = await openServerMethod();
    await userEvent.type(within(dialog).getByLabelText(/Server address/), 'http://licenses.example.com:7007');
    await userEvent.type(within(dialog).getByLabelText(/Site credential/), 'revoked');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Connect' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Not connected');
    expect(alert).toHaveTextContent('refused the credential: register this site again.');
  });

  it('shows a refused lease as the server words it, when the setting was saved', async () => {
    serve({
      connect: body => {
        fake.status = {
          ...fake.status,
          server: aServer({
            status: 'refused',
            url: body.url,
            lastContactAt: null,
            message: 'The license server refused the lease: 40 Hosts requested, 38 available. Ask for less, or for more on the server.',
          }),
        };
        return HttpResponse.json({ url: body.url, modules: [], quota: {}, source: 'runtime' });
      },
    });
    await renderPage();
    const dialog = await openServerMethod();
    await userEvent.type(within(dialog).getByLabelText(/Server address/), 'http://licenses.example.com:7007');
    await userEvent.type(within(dialog).getByLabelText(/Site credential/), 'site-secret');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Connect' }));
    const answer = await within(dialog).findByTestId('server-answer');
    await waitFor(() => expect(answer).toHaveTextContent('License server: Refused'));
    expect(answer).toHaveTextContent('40 Hosts requested, 38 available');
    expect(within(screen.getByTestId('license-server')).getByText('Refused')).toBeInTheDocument();
  });

  it('disconnects (DELETE /server) after confirmation, back to local licensing', async () => {
    serve({
      status: validStatus({ method: 'server', server: aServer() }),
      connection: { url: 'http://licenses.example.com:7007', modules: [], quota: {}, source: 'runtime' },
    });
    await renderPage();
    await userEvent.click(await screen.findByRole('button', { name: /Upload License/ }));
    // A client site opens on the Server method.
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByTestId('server-current')).toHaveTextContent('Connected to http://licenses.example.com:7007');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disconnect' }));
    const confirm = within(dialog).getByRole('alertdialog', { name: 'Disconnect from the license server' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Keep' }));
    expect(fake.seen).not.toContain('DELETE /server');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disconnect' }));
    await userEvent.click(
      within(within(dialog).getByRole('alertdialog')).getByRole('button', { name: 'Disconnect' }),
    );
    expect(await within(dialog).findByTestId('server-answer')).toHaveTextContent('Disconnected: this portal runs on its local licenses again.');
    expect(fake.seen).toContain('DELETE /server');
    await waitFor(() => expect(within(screen.getByTestId('license-server')).getByText('Not configured')).toBeInTheDocument());
  });

  it('shows no Client Sites on a portal that is not a license server', async () => {
    serve({ sites: someSites(), pool: aPool() });
    await renderPage();
    await screen.findByTestId('license-server');
    expect(screen.queryByTestId('client-sites')).not.toBeInTheDocument();
    expect(fake.seen).not.toContain('GET /sharing/sites');
  });

  it('on a license server: the pool as bars, the sites with their leases and last heartbeat, and leased quota', async () => {
    const unlicensed = { metric: 'arm-hosts', authorized: 0, usedLocally: 1, leased: 0, available: 0 };
    serve({ status: servingStatus(), sites: someSites(), pool: [...aPool(), unlicensed] });
    await renderPage();
    const sites = await screen.findByTestId('client-sites');
    expect(await within(sites).findByRole('img', { name: 'Hosts: 100 authorized, 42 used here, 20 leased, 38 available' })).toBeInTheDocument();
    expect(within(screen.getByTestId('pool-vmware-cpus')).getByText('24 available')).toBeInTheDocument();
    expect(screen.queryByTestId('pool-arm-hosts')).not.toBeInTheDocument();
    expect(screen.getByTestId('pool-outside')).toHaveTextContent('Not in the pool (no license in force authorizes them): ARM hosts.');
    expect(await within(sites).findByText('Client Sites (2)')).toBeInTheDocument();
    const branch = within(sites).getByText('Branch office').closest('tr')!;
    expect(branch).toHaveTextContent('VMware Management');
    expect(branch).toHaveTextContent('Hosts: 20');
    const lab = within(sites).getByText('Lab').closest('tr')!;
    expect(lab).toHaveTextContent('No lease');
    expect(lab).toHaveTextContent('Never');
    expect(screen.getByTestId('quota-hosts')).toHaveTextContent('42 in use + 20 leased of 100');
    expect(screen.getByTestId('license-server')).toHaveTextContent('Serving client sites');
  });

  it('registers a site and shows its credential once, with copy and a warning to keep it', async () => {
    serve({ status: servingStatus(), sites: someSites(), pool: aPool() });
    await renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Register client site' }));
    let dialog = await screen.findByRole('dialog');
    const register = within(dialog).getByRole('button', { name: 'Register' });
    expect(register).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Site name/), 'Factory');
    await userEvent.click(register);

    expect(await within(dialog).findByText('Copy the credential now: it is shown only once')).toBeInTheDocument();
    expect(within(dialog).getByTestId('site-credential')).toHaveTextContent('cred-site-3-0123456789abcdef0123456789abcdef');
    expect(within(dialog).getByRole('button', { name: 'Copy credential' })).toBeInTheDocument();
    expect(await screen.findByText('Client Sites (3)')).toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole('button', { name: /I have copied it/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.queryByText(/cred-site-3/)).not.toBeInTheDocument();
    // Opening the dialog again asks for a new site; the credential is gone for good.
    await userEvent.click(screen.getByRole('button', { name: 'Register client site' }));
    dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText(/Site name/)).toHaveValue('');
    expect(within(dialog).queryByTestId('site-credential')).not.toBeInTheDocument();
  });

  it('says why a site was not registered', async () => {
    serve({ status: servingStatus(), sites: someSites(), pool: aPool() });
    await renderPage();
    const { http } = await import('msw');
    server.use(
      http.post('http://example.com/api/license-management/sharing/sites', () =>
        errorBody(409, 'ConflictError', 'A client site named Lab is already registered: pick another name.'),
      ),
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Register client site' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Site name/), 'Lab');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A client site named Lab is already registered: pick another name.');
    expect(within(dialog).queryByTestId('site-credential')).not.toBeInTheDocument();
  });

  it('revokes a site after confirmation (DELETE /sharing/sites/:id)', async () => {
    serve({ status: servingStatus(), sites: someSites(), pool: aPool() });
    await renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke Branch office (site-1)' }));
    let dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('loses its lease at once, and the quota it holds returns to the pool');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(fake.seen).not.toContain('DELETE /sharing/sites/site-1');

    await userEvent.click(screen.getByRole('button', { name: 'Revoke Branch office (site-1)' }));
    dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(fake.seen).toContain('DELETE /sharing/sites/site-1'));
    expect(await screen.findByText(/Revoked Branch office \(site-1\): its lease has ended/)).toBeInTheDocument();
    expect(await screen.findByText('Client Sites (1)')).toBeInTheDocument();
  });

  it('says so when the pool cannot be read', async () => {
    serve({ status: servingStatus(), sites: someSites() });
    await renderPage();
    expect(await screen.findByText(/The pool could not be read/)).toBeInTheDocument();
    expect(screen.getByText(/licenseManagement.sharing.enabled/)).toBeInTheDocument();
  });
});

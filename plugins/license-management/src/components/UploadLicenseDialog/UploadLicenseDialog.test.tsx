import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import React from 'react';
import type { LicenseManagementApi, UploadOptions } from '@backstage-licensing/plugin-license-management-react';
import { aLicense, aPlusLicense, aServer } from '../../testUtils/fixtures';
import { API, renderLicensing } from '../../testUtils/renderLicensing';
import { errorBody } from '../../testUtils/server';
import { UploadLicenseDialog } from './UploadLicenseDialog';

// Material tables and dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const user = userEvent.setup({ applyAccept: false });
const licenseFile = (name = 'license.txt', content = 'eyJhbGciOiJFZERTQSJ9.e30.sig\n') => new File([content], name);

async function renderDialog(api?: LicenseManagementApi) {
  const onUploaded = jest.fn();
  const onClose = jest.fn();
  await renderLicensing(
    <UploadLicenseDialog open onClose={onClose} onUploaded={onUploaded} server={aServer({ status: 'not-configured', url: null, lastContactAt: null, message: null })} />,
    { api },
  );
  return { onUploaded, onClose };
}

const pick = (file: File) => user.upload(screen.getByTestId('license-file-input'), file);

describe('UploadLicenseDialog', () => {
  it('uploads the picked file as the raw body and lists what was installed', async () => {
    let received: { type: string | null; text: string } | undefined;
    server.use(
      http.post(`${API}/licenses`, async ({ request }) => {
        received = { type: request.headers.get('content-type'), text: await request.text() };
        return HttpResponse.json({ installed: [aLicense(), aPlusLicense()], unchanged: [] }, { status: 201 });
      }),
    );
    const { onUploaded } = await renderDialog();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();
    await pick(licenseFile('acme.lic'));
    expect(screen.getByTestId('license-file-name')).toHaveTextContent('acme.lic (29 B)');
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    expect(await screen.findByText('License installed')).toBeInTheDocument();
    expect(screen.getByText('Installed: Enterprise Prepaid (Base), VMware Management (Plus).')).toBeInTheDocument();
    expect(received).toEqual({ type: 'text/plain', text: 'eyJhbGciOiJFZERTQSJ9.e30.sig\n' });
    expect(onUploaded).toHaveBeenCalledWith(expect.objectContaining({ installed: expect.any(Array) }));
    expect(screen.queryByRole('button', { name: 'Upload' })).not.toBeInTheDocument();
  });

  it('says when nothing in the file was new', async () => {
    server.use(http.post(`${API}/licenses`, () => HttpResponse.json({ installed: [], unchanged: [aLicense()] })));
    await renderDialog();
    await pick(licenseFile());
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(await screen.findByText('Nothing new in this file')).toBeInTheDocument();
    expect(screen.getByText('Already installed, unchanged: Enterprise Prepaid (Base).')).toBeInTheDocument();
  });

  it("shows the server's reason in plain words when the upload is rejected, and what to do", async () => {
    const reason =
      "Token 1 (lic-123) was rejected: its signature does not match vendor key 'demo-vendor'; the file was changed after it was issued.";
    server.use(http.post(`${API}/licenses`, () => errorBody(400, 'InputError', reason)));
    const { onUploaded } = await renderDialog();
    await pick(licenseFile());
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The license was not installed');
    expect(alert).toHaveTextContent(reason);
    expect(alert).toHaveTextContent(/issued for this portal’s Key ID/);
    expect(alert).not.toHaveTextContent('Request failed with');
    expect(onUploaded).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeEnabled();
  });

  it('explains a file that is too large for the server (413)', async () => {
    server.use(
      http.post(`${API}/licenses`, () =>
        errorBody(413, 'PayloadTooLargeError', 'The upload is larger than 1 MiB; a license file may be at most 1 MiB.'),
      ),
    );
    await renderDialog();
    await pick(licenseFile());
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The upload is larger than 1 MiB');
  });

  it('shows the upload progress, then that the licenses are being checked', async () => {
    let report: UploadOptions['onProgress'];
    let finish: (value: unknown) => void = () => {};
    const api = {
      uploadLicense: jest.fn((_file: Blob, options: UploadOptions) => {
        report = options.onProgress;
        return new Promise(resolve => {
          finish = resolve;
        });
      }),
    } as unknown as LicenseManagementApi;
    await renderDialog(api);
    await pick(licenseFile());
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    report!({ loaded: 40, total: 100 });
    expect(await screen.findByText('Uploading… 40%')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Upload progress' })).toHaveAttribute('aria-valuenow', '40');
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();

    report!({ loaded: 100, total: 100 });
    expect(await screen.findByText('Checking the licenses…')).toBeInTheDocument();

    finish({ installed: [aLicense()], unchanged: [] });
    expect(await screen.findByText('License installed')).toBeInTheDocument();
  });

  it('refuses files that cannot be license files before sending them', async () => {
    const api = { uploadLicense: jest.fn() } as unknown as LicenseManagementApi;
    await renderDialog(api);
    await pick(licenseFile('invoice.pdf'));
    expect(screen.getByText(/'invoice.pdf' is not a license file/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();

    await pick(new File([new Uint8Array(1024 * 1024 + 1)], 'big.tar.gz'));
    expect(screen.getByText(/'big.tar.gz' is 1.0 MiB; a license file is at most 1 MiB/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();
    expect(api.uploadLicense).not.toHaveBeenCalled();
  });

  it('offers to connect to a license server instead of an upload with the Server method', async () => {
    server.use(http.get(`${API}/server`, () => HttpResponse.json({ url: null, modules: [], quota: {}, source: 'none' })));
    await renderDialog();
    await user.click(screen.getByLabelText('Server licensing'));
    expect(await screen.findByTestId('server-licensing')).toHaveTextContent('leases quota from a license server instead of uploading a file');
    expect(screen.getByRole('button', { name: 'Connect' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Upload' })).not.toBeInTheDocument();
    await user.click(screen.getByLabelText('Local licensing'));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Upload' })).toBeInTheDocument());
  });
});

import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import React from 'react';
import { CONSEQUENCES, downgradeRefusal } from '../../../../license-management-react/src/testUtils/downgrade';
import { aLicense, aServer } from '../../testUtils/fixtures';
import { API, renderLicensing } from '../../testUtils/renderLicensing';
import { UploadLicenseDialog } from './UploadLicenseDialog';

// Material dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const user = userEvent.setup({ applyAccept: false });
const standardFile = () => new File(['eyJhbGciOiJFZERTQSJ9.e30.sig\n'], 'standard.lic');

const standard = aLicense({ id: 'std', item: 'standard', title: 'Standard', quota: { hosts: 20 } });
const enterprise = aLicense({ id: 'ent', state: 'superseded' });

async function renderDialog() {
  const onUploaded = jest.fn();
  const onClose = jest.fn();
  await renderLicensing(
    <UploadLicenseDialog open onClose={onClose} onUploaded={onUploaded} server={aServer({ status: 'not-configured', url: null, lastContactAt: null, message: null })} />,
  );
  await user.upload(screen.getByTestId('license-file-input'), standardFile());
  await user.click(screen.getByRole('button', { name: 'Upload' }));
  return { onUploaded, onClose };
}

describe('UploadLicenseDialog and downgrades', () => {
  let requests: string[];
  beforeEach(() => {
    requests = [];
    server.use(
      http.post(`${API}/licenses`, ({ request }) => {
        const search = new URL(request.url).search;
        requests.push(search);
        if (search !== '?acknowledge=true') return downgradeRefusal();
        return HttpResponse.json({ installed: [standard], unchanged: [], superseded: [enterprise] }, { status: 201 });
      }),
    );
  });

  it('shows the consequences of a downgrade and installs it anyway when asked, with acknowledge', async () => {
    const { onUploaded } = await renderDialog();

    const warning = await screen.findByTestId('downgrade-consequences');
    expect(warning).toHaveTextContent('This would reduce what the portal is licensed for');
    expect(within(warning).getAllByRole('listitem').map(li => li.textContent)).toEqual(CONSEQUENCES);
    expect(warning).toHaveTextContent('Nothing has changed yet. Install anyway?');
    expect(onUploaded).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Upload' })).not.toBeInTheDocument();
    expect(screen.queryByText('The license was not installed')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Install anyway' }));
    expect(await screen.findByText('License installed')).toBeInTheDocument();
    expect(requests).toEqual(['', '?acknowledge=true']);
    expect(
      screen.getByText(
        'Superseded, no longer in force: Enterprise Prepaid (Base). It stays installed; a license admin can reinstate it from the expiry timeline.',
      ),
    ).toBeInTheDocument();
    expect(onUploaded).toHaveBeenCalledWith(expect.objectContaining({ superseded: [enterprise] }));
    expect(screen.queryByTestId('downgrade-consequences')).not.toBeInTheDocument();
  });

  it('installs nothing when the admin cancels instead', async () => {
    const { onClose, onUploaded } = await renderDialog();
    await screen.findByTestId('downgrade-consequences');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalled();
    expect(onUploaded).not.toHaveBeenCalled();
    expect(requests).toEqual(['']);
  });

  it('asks again for another file picked after the question', async () => {
    await renderDialog();
    await screen.findByTestId('downgrade-consequences');
    await user.upload(screen.getByTestId('license-file-input'), standardFile());
    expect(screen.queryByTestId('downgrade-consequences')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Install anyway' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    await screen.findByTestId('downgrade-consequences');
    expect(requests).toEqual(['', '']);
  });
});

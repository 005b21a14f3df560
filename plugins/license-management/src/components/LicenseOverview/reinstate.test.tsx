import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { LicenseView } from '@backstage-licensing/plugin-license-management-common';
import { CONSEQUENCES, downgradeRefusal } from '../../../../license-management-react/src/testUtils/downgrade';
import { aLicense, aPlusLicense, validStatus } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { API, type FakeBackend, errorBody, licenseHandlers } from '../../testUtils/server';
import { LicenseManagementPage } from '../LicenseManagementPage';

// Material tables and dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const user = userEvent.setup();
const page = (
  <Routes>
    <Route path="/license-management/*" element={<LicenseManagementPage />} />
  </Routes>
);

/** Standard in force over a superseded Enterprise Prepaid; two VMware licenses, one superseded. */
function backend() {
  const fake: FakeBackend = {
    status: validStatus({ edition: 'standard', editionTitle: 'Standard' }),
    licenses: [
      aLicense({ id: 'ent', state: 'superseded' }),
      aLicense({ id: 'std', item: 'standard', title: 'Standard' }),
      aPlusLicense({ id: 'vm-old', state: 'superseded', quota: { 'vmware-cpus': 64 } }),
      aPlusLicense({ id: 'vm-new' }),
    ],
    records: [],
    seen: [],
  };
  const reinstated: string[] = [];
  /** Whether a reinstatement of `id` is refused as a downgrade unless acknowledged. */
  const downgrades = new Set<string>();
  const reinstate = http.post(`${API}/licenses/:id/reinstate`, ({ request, params }) => {
    const id = String(params.id);
    const acknowledged = new URL(request.url).searchParams.get('acknowledge') === 'true';
    reinstated.push(`${id}${acknowledged ? ' acknowledged' : ''}`);
    if (downgrades.has(id) && !acknowledged) {
      return downgradeRefusal(
        'The license was not reinstated: it would reduce what the portal is licensed for (2 consequences). To reinstate it anyway, send the request again with ?acknowledge=true.',
      );
    }
    if (id === 'gone') return errorBody(404, 'NotFoundError', "No installed license has the id 'gone'.");
    const license = fake.licenses.find(l => l.id === id)!;
    const superseded: LicenseView[] = [];
    fake.licenses = fake.licenses.map(l => {
      if (l.id === id) return { ...l, state: 'valid' };
      // One slot for the Base, one per Plus module.
      if (l.type === license.type && (l.type === 'base' || l.item === license.item) && l.state === 'valid') {
        const s = { ...l, state: 'superseded' as const };
        superseded.push(s);
        return s;
      }
      return l;
    });
    return HttpResponse.json({ reinstated: { ...license, state: 'valid' }, superseded });
  });
  server.use(reinstate, ...licenseHandlers(fake));
  return { fake, reinstated, downgrades };
}

const renderPage = () => renderLicensing(page, { routeEntries: ['/license-management'] });

describe('Reinstate on the License Management page', () => {
  it('offers Reinstate on superseded licenses only, in the timeline and the Plus table', async () => {
    backend();
    await renderPage();
    const timeline = await screen.findByTestId('expiry-timeline');
    expect(within(timeline).getAllByRole('button', { name: /^Reinstate/ }).map(b => b.getAttribute('aria-label'))).toEqual([
      'Reinstate Enterprise Prepaid (Base, ent)',
      'Reinstate VMware Management (Plus, vm-old)',
    ]);
    expect(screen.getByRole('button', { name: 'Reinstate VMware Management (vm-old)' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reinstate VMware Management (vm-new)' })).not.toBeInTheDocument();
  });

  it('reinstates a superseded Base after confirmation and shows it in force', async () => {
    const { fake, reinstated } = backend();
    await renderPage();
    await user.click(await screen.findByRole('button', { name: 'Reinstate Enterprise Prepaid (Base, ent)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reinstate license?' });
    expect(dialog).toHaveTextContent(/Enterprise Prepaid \(Base\) \(ent, valid through .*\) is superseded/);
    const listed = fake.seen.filter(s => s === 'GET /licenses').length;

    await user.click(within(dialog).getByRole('button', { name: 'Reinstate' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Reinstate license?' })).not.toBeInTheDocument());
    expect(reinstated).toEqual(['ent']);
    // The page reads the licenses again: Enterprise is in force, Standard superseded.
    await waitFor(() => expect(fake.seen.filter(s => s === 'GET /licenses').length).toBeGreaterThan(listed));
    const timeline = screen.getByTestId('expiry-timeline');
    await waitFor(() =>
      expect(within(timeline).getAllByRole('button', { name: /^Reinstate/ }).map(b => b.getAttribute('aria-label'))).toEqual([
        'Reinstate Standard (Base, std)',
        'Reinstate VMware Management (Plus, vm-old)',
      ]),
    );
  });

  it('shows the consequences of a downgrading reinstatement and goes ahead only when asked', async () => {
    const { reinstated, downgrades } = backend();
    downgrades.add('vm-old');
    await renderPage();
    await user.click(await screen.findByRole('button', { name: 'Reinstate VMware Management (vm-old)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reinstate license?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reinstate' }));

    const warning = await within(dialog).findByTestId('downgrade-consequences');
    expect(within(warning).getAllByRole('listitem').map(li => li.textContent)).toEqual(CONSEQUENCES);
    expect(warning).toHaveTextContent('Reinstate anyway?');
    expect(reinstated).toEqual(['vm-old']);

    await user.click(within(dialog).getByRole('button', { name: 'Reinstate anyway' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Reinstate license?' })).not.toBeInTheDocument());
    expect(reinstated).toEqual(['vm-old', 'vm-old acknowledged']);
  });

  it('says why when the server refuses, and changes nothing on Cancel', async () => {
    const { fake, reinstated } = backend();
    fake.licenses.push(aLicense({ id: 'gone', state: 'superseded', title: 'Enterprise Trial', item: 'enterprise-trial' }));
    await renderPage();
    await user.click(await screen.findByRole('button', { name: 'Reinstate Enterprise Trial (Base, gone)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reinstate license?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reinstate' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      "The license was not reinstated. No installed license has the id 'gone'.",
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Reinstate license?' })).not.toBeInTheDocument());
    expect(reinstated).toEqual(['gone']);
  });
});

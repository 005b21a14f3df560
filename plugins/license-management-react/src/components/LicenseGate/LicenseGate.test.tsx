import { registerMswTestHooks } from '@backstage/test-utils';
import { act, screen } from '@testing-library/react';
import type { CheckResult } from '@backstage-licensing/plugin-license-management-common';
import { setupServer } from 'msw/node';
import React from 'react';
import { licenseStatusStoreFor, useLicensedFeature } from '../../hooks';
import { validStatus, aPlusLicense, customCatalogStatus } from '../../testUtils/fixtures';
import { createTestClient, renderLicensing } from '../../testUtils/render';
import { type FakeBackend, licenseHandlers } from '../../testUtils/server';
import { LicenseGate } from './LicenseGate';

// Material tables and dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const NOT_LICENSED: CheckResult = {
  allowed: false,
  code: 'NOT_LICENSED',
  message: "Feature 'gpu' is not covered by the license: it needs Enterprise Trial, Enterprise Prepaid or the GPU Service module.",
};

let fake: FakeBackend;
let gpuAllowed: boolean;
beforeEach(() => {
  gpuAllowed = false;
  fake = {
    status: validStatus({ plus: [] }),
    licenses: [],
    records: [],
    seen: [],
    check: ({ feature }) => (feature !== 'gpu' || gpuAllowed ? { allowed: true, code: 'OK', message: 'Licensed.' } : NOT_LICENSED),
  };
  server.use(...licenseHandlers(fake));
});
const checks = () => fake.seen.filter(s => s === 'POST /check');

describe('LicenseGate and useLicensedFeature', () => {
  it('renders its children when the feature is licensed', async () => {
    await renderLicensing(<LicenseGate feature="vmware">VMware dashboard</LicenseGate>);
    expect(await screen.findByText('VMware dashboard')).toBeInTheDocument();
  });

  it("says why when the feature is not licensed, in the server's words, and links to the page", async () => {
    await renderLicensing(<LicenseGate feature="gpu">GPU dashboard</LicenseGate>);
    expect(await screen.findByText(/GPU Service is not available/)).toBeInTheDocument();
    expect(screen.getByTestId('license-gate-message')).toHaveTextContent(NOT_LICENSED.message);
    expect(screen.getByRole('link', { name: 'License Management' })).toHaveAttribute('href', '/license-management');
    expect(screen.queryByText('GPU dashboard')).not.toBeInTheDocument();
  });

  it('works without the License Management page in the app: it says whom to ask instead of linking', async () => {
    await renderLicensing(<LicenseGate feature="gpu">GPU dashboard</LicenseGate>, { mountPage: false });
    expect(await screen.findByText(/GPU Service is not available/)).toBeInTheDocument();
    expect(screen.getByText(/Ask a portal admin for a license that covers it/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'License Management' })).not.toBeInTheDocument();
  });

  it("names the feature in the words of the catalog the portal runs with (/status.catalog), not the default one", async () => {
    fake.status = customCatalogStatus();
    fake.check = () => ({ allowed: false, code: 'NOT_LICENSED', message: 'Scheduled reports needs the Insights Add-on.' });
    await renderLicensing(<LicenseGate feature="reports">Reports</LicenseGate>);
    expect(await screen.findByText(/Scheduled reports is not available/)).toBeInTheDocument();
  });

  it("names a module's own feature like the module", async () => {
    fake.status = customCatalogStatus();
    fake.check = () => ({ allowed: false, code: 'NOT_LICENSED', message: 'Not licensed.' });
    await renderLicensing(<LicenseGate feature="insights">Insights</LicenseGate>);
    expect(await screen.findByText(/Insights Add-on is not available/)).toBeInTheDocument();
  });

  it('renders a given fallback instead', async () => {
    await renderLicensing(
      <LicenseGate feature="gpu" fallback={<span>Buy GPU Service</span>}>
        GPU dashboard
      </LicenseGate>,
    );
    expect(await screen.findByText('Buy GPU Service')).toBeInTheDocument();
  });

  it('asks once per session, and again when the license changes', async () => {
    const api = createTestClient();
    await renderLicensing(
      <>
        <LicenseGate feature="gpu" fallback={<p>no GPU (1)</p>}>
          <p>GPU (1)</p>
        </LicenseGate>
        <LicenseGate feature="gpu" fallback={<p>no GPU (2)</p>}>
          <p>GPU (2)</p>
        </LicenseGate>
      </>,
      { api },
    );
    expect(await screen.findByText('no GPU (1)')).toBeInTheDocument();
    expect(await screen.findByText('no GPU (2)')).toBeInTheDocument();
    expect(checks()).toHaveLength(1);

    // The admin uploads GPU Service: the status changes, the gates ask again.
    gpuAllowed = true;
    fake.status = validStatus({ plus: [aPlusLicense({ id: 'lic-gpu', item: 'gpu', title: 'GPU Service', quota: {} })] });
    await act(() => licenseStatusStoreFor(api).refresh());
    expect(await screen.findByText('GPU (1)')).toBeInTheDocument();
    expect(await screen.findByText('GPU (2)')).toBeInTheDocument();
    expect(checks()).toHaveLength(2);
  });

  it('passes metric and amount to /check', async () => {
    let body: unknown;
    fake.check = b => {
      body = b;
      return { allowed: false, code: 'QUOTA_EXCEEDED', message: 'VMware CPUs: 40 of 32 would be in use.' };
    };
    function AddCpus() {
      const { allowed, result, loading } = useLicensedFeature('vmware', { metric: 'vmware-cpus', amount: 8 });
      if (loading) return null;
      return <button disabled={!allowed} title={result?.message}>Add 8 CPUs</button>;
    }
    await renderLicensing(<AddCpus />);
    expect(await screen.findByRole('button', { name: 'Add 8 CPUs' })).toBeDisabled();
    expect(screen.getByRole('button')).toHaveAttribute('title', 'VMware CPUs: 40 of 32 would be in use.');
    expect(body).toEqual({ feature: 'vmware', metric: 'vmware-cpus', amount: 8 });
  });
});

// Permission answers are cached per process by usePermission (SWR): an
// earlier test's "allowed" would stand in for a denial here, so the denied
// case lives in a file of its own.
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { UI, renderApp } from './testUtils/alphaApp';
import { validStatus } from './testUtils/fixtures';

// A whole app renders in jsdom: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

beforeEach(() => sessionStorage.clear());

describe('License Management in the new frontend system, for a user without the admin permissions', () => {
  it('offers Licensing Records only to those allowed to read them, and no upload', async () => {
    await renderApp(server, '/license-management', validStatus(), {
      deny: ['license-management.record.read', 'license-management.license.create'],
    });
    expect(await screen.findByTestId('license-summary', {}, UI)).toBeInTheDocument();
    expect(screen.queryByText('Licensing Records')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Upload License' })).toBeDisabled());
  });
});

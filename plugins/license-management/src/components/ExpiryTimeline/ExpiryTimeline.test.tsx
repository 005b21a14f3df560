import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import React from 'react';
import { aLicense, aPlusLicense, DAY_MS } from '../../testUtils/fixtures';
import { ExpiryTimeline } from './ExpiryTimeline';

describe('ExpiryTimeline', () => {
  it('draws a bar per license, Base first, coloured by state and described for screen readers', async () => {
    const now = Date.now();
    await renderInTestApp(
      <ExpiryTimeline
        now={now}
        licenses={[
          aPlusLicense({ expiresAt: new Date(now + 5 * DAY_MS).toISOString() }),
          aLicense(),
          aLicense({ id: 'renewal', state: 'pending', notBefore: new Date(now + 300 * DAY_MS).toISOString(), expiresAt: new Date(now + 700 * DAY_MS).toISOString() }),
        ]}
      />,
    );
    const items = within(screen.getByTestId('expiry-timeline')).getAllByRole('listitem');
    expect(items.map(i => i.getAttribute('aria-label')?.split(':')[0])).toEqual([
      'Enterprise Prepaid (Base)',
      'Enterprise Prepaid (Base)',
      'VMware Management (Plus)',
    ]);
    expect(items[2]).toHaveAttribute('aria-label', expect.stringContaining('Valid'));
    expect(items[2]).toHaveAttribute('aria-label', expect.stringContaining('5 days left'));
    expect(items[1].querySelector('[data-state="pending"]')).not.toBeNull();
    expect(screen.getByText('Today')).toBeInTheDocument();
  });
});

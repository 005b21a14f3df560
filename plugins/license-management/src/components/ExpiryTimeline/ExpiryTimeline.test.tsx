import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import React from 'react';
import { aLicense, aPlusLicense, DAY_MS } from '../../testUtils/fixtures';
import { ExpiryTimeline } from './ExpiryTimeline';

const items = () => within(screen.getByTestId('expiry-timeline')).getAllByRole('listitem');

describe('ExpiryTimeline', () => {
  it('draws a bar per license, Base first, coloured by state and described for screen readers', async () => {
    const now = Date.now();
    await renderInTestApp(
      <ExpiryTimeline
        now={now}
        licenses={[
          aPlusLicense({ expiresAt: new Date(now + 5 * DAY_MS).toISOString(), daysLeft: 5 }),
          aLicense(),
          aLicense({ id: 'renewal', state: 'pending', notBefore: new Date(now + 300 * DAY_MS).toISOString(), expiresAt: new Date(now + 700 * DAY_MS).toISOString() }),
        ]}
      />,
    );
    expect(items().map(i => i.getAttribute('aria-label')?.split(':')[0])).toEqual([
      'Enterprise Prepaid (Base)',
      'Enterprise Prepaid (Base)',
      'VMware Management (Plus)',
    ]);
    expect(items()[2]).toHaveAttribute('aria-label', expect.stringContaining('Valid'));
    expect(items()[2]).toHaveAttribute('aria-label', expect.stringContaining('5 days left'));
    expect(items()[1].querySelector('[data-state="pending"]')).not.toBeNull();
    expect(screen.getByText('Today')).toBeInTheDocument();
  });

  it("marks what the server judged expiring soon, not what a fixed number of days says", async () => {
    const now = Date.now();
    await renderInTestApp(
      <ExpiryTimeline
        now={now}
        licenses={[
          // 5 days left but renewed: the server says it is not expiring soon.
          aPlusLicense({ expiresAt: new Date(now + 5 * DAY_MS).toISOString(), daysLeft: 5, expiringSoon: false }),
          aLicense({ expiresAt: new Date(now + 40 * DAY_MS).toISOString(), daysLeft: 40, expiringSoon: true }),
        ]}
      />,
    );
    const [base, plus] = items();
    expect(base).toHaveAttribute('aria-label', expect.stringContaining('Valid, expiring soon'));
    expect(plus).toHaveAttribute('aria-label', expect.not.stringContaining('expiring soon'));
  });

  it('marks a superseded license, so that it is not a second identical row, and shows the last valid day', async () => {
    const expiresAt = '2031-01-01T00:00:00.000Z';
    await renderInTestApp(
      <ExpiryTimeline
        licenses={[
          aLicense({ id: 'old', state: 'superseded', expiresAt }),
          aLicense({ id: 'new', expiresAt }),
        ]}
      />,
    );
    const [current, superseded] = items();
    expect(current).toHaveAttribute('aria-label', expect.stringMatching(/^Enterprise Prepaid \(Base\): Valid,.*\(new\)$/));
    expect(superseded).toHaveAttribute('aria-label', expect.stringMatching(/^Enterprise Prepaid \(Base\): Superseded by a later upload,.*\(old\)$/));
    expect(superseded).toHaveAttribute('data-superseded', 'true');
    expect(within(superseded).getByText(/superseded/)).toBeInTheDocument();
    expect(current).not.toHaveAttribute('data-superseded');
    // Valid through Dec 31, 2030 (exp is the midnight after the last day), in any time zone.
    expect(within(current).getAllByText(/valid through Dec 31, 2030/).length).toBeGreaterThan(0);
  });
});

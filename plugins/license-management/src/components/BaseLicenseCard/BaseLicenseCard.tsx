import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { LicenseView } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { daysLeft, daysLeftText, formatDateTime, formatQuota, methodLabel } from '../../lib/format';
import { DefinitionList } from '../DefinitionList';
import { LicenseStateLabel } from '../LicenseStateLabel';

export interface BaseLicenseCardProps {
  /** The Base license in force, or the one that expired last; null in the community edition. */
  base: LicenseView | null;
  /** A valid license this close to its end shows as expiring soon. */
  warningDays?: number;
}

/** The Base license: edition, state, issued, expires, days left, method and quota. */
export function BaseLicenseCard({ base, warningDays = 15 }: BaseLicenseCardProps) {
  if (!base) {
    return (
      <InfoCard title="Base License">
        <Typography variant="h6" gutterBottom>
          No Base license: the portal runs the Community edition
        </Typography>
        <Typography variant="body2" color="textSecondary">
          A Base license (Standard, Enterprise Trial or Enterprise Prepaid) unlocks the portal&apos;s features and is
          needed before any Plus license. Send your Key ID or the request key to your vendor, then upload the license
          file you receive with Upload License.
        </Typography>
      </InfoCard>
    );
  }
  const expiringSoon = base.state === 'valid' && daysLeft(base.expiresAt) <= warningDays;
  return (
    <InfoCard title="Base License" subheader="The Base license cannot be deleted; a newer upload replaces it.">
      <DefinitionList
        data-testid="base-license"
        rows={[
          ['Edition', base.title],
          ['State', <LicenseStateLabel state={base.state} expiringSoon={expiringSoon} />],
          ['Issued', formatDateTime(base.issuedAt)],
          ['Expires', formatDateTime(base.expiresAt)],
          ['Days left', daysLeftText(base.expiresAt)],
          ['Method', methodLabel(base.method)],
          ['Quota', formatQuota(base.quota)],
          ['License ID', base.id],
        ]}
      />
    </InfoCard>
  );
}

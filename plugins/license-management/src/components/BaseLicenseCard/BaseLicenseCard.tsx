import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { LicenseView } from '@backstage-licensing/plugin-license-management-common';
import { useCatalogTitles } from '@backstage-licensing/plugin-license-management-react';
import React from 'react';
import { daysLeftText, formatDateTime, formatDay, formatQuota, methodLabel } from '../../lib/format';
import { DefinitionList } from '../DefinitionList';
import { LicenseStateLabel, keyMissingHint } from '../LicenseStateLabel';

export interface BaseLicenseCardProps {
  /** The Base license in force, or the one that expired last; null in the community edition. */
  base: LicenseView | null;
}

/** The Base license: edition, state, issued, valid through, days left, method and quota, as the server judged them. */
export function BaseLicenseCard({ base }: BaseLicenseCardProps) {
  const titles = useCatalogTitles();
  if (!base) {
    const editions = titles.items.filter(i => i.type === 'base').map(i => i.title);
    return (
      <InfoCard title="Base License">
        <Typography variant="h6" gutterBottom>
          No Base license: the portal runs the Community edition
        </Typography>
        <Typography variant="body2" color="textSecondary">
          A Base license{editions.length ? ` (${editions.join(', ')})` : ''} unlocks the portal&apos;s features and
          is needed before any Plus license. Send your Key ID or the request key to your vendor, then upload the
          license file you receive with Upload License.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Base License" subheader="The Base license cannot be deleted; a newer upload replaces it.">
      <DefinitionList
        data-testid="base-license"
        rows={[
          ['Edition', base.title],
          ['State', <LicenseStateLabel state={base.state} expiringSoon={base.expiringSoon} />],
          ['Issued', formatDateTime(base.issuedAt)],
          ['Valid through', <span title={`Expires ${formatDateTime(base.expiresAt)}`}>{formatDay(base.validThrough)}</span>],
          ['Days left', daysLeftText(base.daysLeft)],
          ['Method', methodLabel(base.method)],
          ['Quota', formatQuota(base.quota, titles)],
          ['License ID', base.id],
        ]}
      />
      {base.state === 'key-missing' && (
        <Alert severity="warning" style={{ marginTop: 12 }} data-testid="base-key-missing">
          {keyMissingHint(base.keyId)}
        </Alert>
      )}
    </InfoCard>
  );
}

import { Header, HeaderLabel, Page, TabbedLayout } from '@backstage/core-components';
import React from 'react';
import { useLicensePermissions, useLicenseStatus } from '@backstage-licensing/plugin-license-management-react';
import { portalStateText } from '../../lib/degraded';
import { LicenseOverview } from '../LicenseOverview';
import { LicensingRecords } from '../LicensingRecords';

/** License Management: the Overview and, for those allowed, the Licensing Records. */
export function LicenseManagementPage() {
  const { status } = useLicenseStatus();
  const { canReadRecords } = useLicensePermissions();
  return (
    <Page themeId="tool">
      <Header title="License Management" subtitle="Base and Plus licenses, quotas and licensing records of this portal">
        {status && (
          <>
            <HeaderLabel label="Edition" value={status.editionTitle} />
            <HeaderLabel label="License status" value={portalStateText(status)} />
            <HeaderLabel label="Product version" value={status.productVersion} />
          </>
        )}
      </Header>
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Overview">
          <LicenseOverview />
        </TabbedLayout.Route>
        {canReadRecords && (
          <TabbedLayout.Route path="/records" title="Licensing Records">
            <LicensingRecords />
          </TabbedLayout.Route>
        )}
      </TabbedLayout>
    </Page>
  );
}

import { Header, HeaderLabel, Page, TabbedLayout } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { recordReadPermission } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { useLicenseStatus } from '@backstage-licensing/plugin-license-management-react';
import { stateLabel } from '../../lib/format';
import { LicenseOverview } from '../LicenseOverview';
import { LicensingRecords } from '../LicensingRecords';

/** License Management: the Overview and, for those allowed, the Licensing Records. */
export function LicenseManagementPage() {
  const { status } = useLicenseStatus();
  const canReadRecords = usePermission({ permission: recordReadPermission }).allowed;
  return (
    <Page themeId="tool">
      <Header title="License Management" subtitle="Base and Plus licenses, quotas and licensing records of this portal">
        {status && (
          <>
            <HeaderLabel label="Edition" value={status.editionTitle} />
            <HeaderLabel label="License status" value={stateLabel(status.state)} />
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

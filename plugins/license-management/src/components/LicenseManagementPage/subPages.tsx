import { Content } from '@backstage/core-components';
import React from 'react';
import { LicenseOverview } from '../LicenseOverview';
import { LicensingRecords } from '../LicensingRecords';

/** The Overview sub-page of the new frontend system (the app draws the header and the tabs). */
export function OverviewSubPage() {
  return (
    <Content>
      <LicenseOverview />
    </Content>
  );
}

/** The Licensing Records sub-page of the new frontend system. */
export function RecordsSubPage() {
  return (
    <Content>
      <LicensingRecords />
    </Content>
  );
}

import { Content, Header, InfoCard, Link, Page } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  LicenseGate,
  useLicensedFeature,
} from '@backstage-licensing/plugin-license-management';
import React from 'react';

/** An action that needs quota: disabled, with the reason, when the license does not allow it. */
function AddVmwareCpus() {
  const { allowed, loading, result } = useLicensedFeature('vmware', { metric: 'vmware-cpus', amount: 8 });
  return (
    <>
      <Button variant="outlined" color="primary" disabled={loading || !allowed}>
        Add 8 VMware CPUs
      </Button>
      <Typography variant="body2" color="textSecondary" style={{ marginTop: 8 }} data-testid="vmware-check">
        {loading ? 'Checking the license…' : result?.message}
      </Typography>
    </>
  );
}

/** The portal's home: where to go, and license gates at work. */
export function HomePage() {
  return (
    <Page themeId="home">
      <Header title="License Management Portal" subtitle="A Backstage portal licensed like a private-cloud console" />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <InfoCard title="Licenses">
              <Typography variant="body1" paragraph>
                The <Link to="/license-management">License Management</Link> page shows the Base edition and Plus
                modules of this portal, their quotas and expiry, and the licensing records. License admins upload
                licenses and download the request key there.
              </Typography>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="GPU Service" subheader="Shown only when the license covers the gpu feature.">
              <LicenseGate feature="gpu">
                <Typography variant="body1" data-testid="gpu-dashboard">
                  GPU Service is licensed: pass physical GPUs through to instances or split them into vGPUs.
                </Typography>
              </LicenseGate>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="VMware Management" subheader="An action that asks for quota before it runs.">
              <AddVmwareCpus />
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}

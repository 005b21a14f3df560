import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { AlertDisplay, OAuthRequestDialog, SignInPage } from '@backstage/core-components';
import CssBaseline from '@material-ui/core/CssBaseline';
import {
  LicenseGuard,
  LicenseManagementPage,
} from '@backstage-licensing/plugin-license-management';
import React from 'react';
import { Navigate, Route } from 'react-router-dom';
import { apis } from './apis';
import { HomePage } from './components/home';
import { Root } from './components/Root';

const app = createApp({
  apis,
  components: {
    SignInPage: props => (
      <SignInPage {...props} auto providers={['guest']} title="License Management Portal" align="center" />
    ),
  },
});

const routes = (
  <FlatRoutes>
    <Route path="/" element={<Navigate to="home" />} />
    <Route path="/home" element={<HomePage />} />
    <Route path="/license-management" element={<LicenseManagementPage />} />
  </FlatRoutes>
);

export default app.createRoot(
  <>
    <CssBaseline />
    <AlertDisplay transientTimeoutMs={5000} />
    <OAuthRequestDialog />
    <AppRouter>
      <Root>
        <LicenseGuard>{routes}</LicenseGuard>
      </Root>
    </AppRouter>
  </>,
);

import { createApp } from '@backstage/frontend-defaults';
import licenseManagement from '@backstage-licensing/plugin-license-management/alpha';
import licenseManagementAppModule from '@backstage-licensing/plugin-license-management';
import notifications from '@backstage/plugin-notifications/alpha';
import signals from '@backstage/plugin-signals/alpha';
import { portalModule } from './modules/portal';

/**
 * The portal, on the new frontend system: License Management (its plugin, the
 * default export of /alpha, and its app module, the default export of the
 * package root: what feature discovery would load), notifications, signals (the
 * license status and notifications arrive as soon as they change), and the
 * portal's own sign-in, sidebar and Home page.
 */
const app = createApp({
  features: [licenseManagement, licenseManagementAppModule, notifications, signals, portalModule],
});

const root = app.createRoot();

export default function App() {
  return root;
}

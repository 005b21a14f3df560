import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
// Guest sign-in is for development only: production signs in with a real
// identity provider (app-config.production.yaml configures no guest provider).
// The HTTP benchmark runs the portal in production mode and opts in with
// LICENSE_PORTAL_GUEST=true (and the provider's dangerouslyAllowOutsideDevelopment).
if (process.env.NODE_ENV !== 'production' || process.env.LICENSE_PORTAL_GUEST === 'true') {
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
}
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@backstage-licensing/plugin-permission-backend-module-license-management'));
// The catalog: the system's own entities and the Resources whose counts
// licenseManagement.usage.catalog turns into quota use.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage-licensing/plugin-license-management-backend'));
// Notifications to the license admins (licenseManagement.adminGroups).
backend.add(import('@backstage/plugin-notifications-backend'));
// Signals: open pages refresh at once when the license status changes.
backend.add(import('@backstage/plugin-signals-backend'));

backend.start();

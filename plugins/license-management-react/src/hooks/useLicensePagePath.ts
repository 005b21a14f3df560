import { useRouteRef } from '@backstage/core-plugin-api';
import { licenseManagementRouteRef } from '../routes';

/**
 * Where the License Management page is mounted in this app, or undefined when
 * the app has no License Management page (then there is nothing to link to).
 */
export function useLicensePagePath(): string | undefined {
  let link: (() => string) | undefined;
  try {
    // Throws (after its own hooks ran, so hook order is stable) when the route is not mounted.
    link = useRouteRef(licenseManagementRouteRef);
  } catch {
    link = undefined;
  }
  return link?.();
}

import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../routes';

/** Where the License Management page is mounted, or undefined if it is not. */
export function useLicensePagePath(): string | undefined {
  let link: (() => string) | undefined;
  try {
    link = useRouteRef(rootRouteRef);
  } catch {
    link = undefined;
  }
  return link?.();
}

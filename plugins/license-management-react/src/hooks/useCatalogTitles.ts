import { useMemo } from 'react';
import { catalogTitles, type CatalogTitles } from '../lib/catalogTitles';
import { useLicenseStatus } from './useLicenseStatus';

/** Titles of editions, modules, features and metrics from the catalog the portal runs with (`/status.catalog`). */
export function useCatalogTitles(): CatalogTitles {
  const catalog = useLicenseStatus().status?.catalog;
  return useMemo(() => catalogTitles(catalog), [catalog]);
}

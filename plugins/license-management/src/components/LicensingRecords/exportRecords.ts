import type { CatalogTitles, LicenseManagementApi, RecordQuery } from '@backstage-licensing/plugin-license-management-react';
import { toCsv } from '../../lib/csv';
import { CSV_HEADER, csvRowOf } from './recordColumns';

/** Most rows one export reads. */
export const EXPORT_LIMIT = 50_000;

/** Every record matching the query, page by page, as CSV. */
export async function exportRecordsCsv(
  api: LicenseManagementApi,
  query: Omit<RecordQuery, 'cursor' | 'limit'>,
  titles: CatalogTitles,
): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const csvRow = csvRowOf(titles);
  const rows: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await api.getRecords({ ...query, limit: 200, cursor });
    rows.push(...page.items.map(csvRow));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < EXPORT_LIMIT);
  return { csv: toCsv(CSV_HEADER, rows), rows: rows.length, truncated: !!cursor };
}

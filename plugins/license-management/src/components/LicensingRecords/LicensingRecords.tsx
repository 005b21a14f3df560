import { Table } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import NavigateBeforeIcon from '@material-ui/icons/NavigateBefore';
import NavigateNextIcon from '@material-ui/icons/NavigateNext';
import type { LicenseRecord } from '@backstage-licensing/plugin-license-management-common';
import React, { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import {
  licenseManagementApiRef,
  problemText,
  useCatalogTitles,
  useLicenseStatus,
} from '@backstage-licensing/plugin-license-management-react';
import { saveBlob } from '../../lib/download';
import { ProblemPanel } from '../ProblemPanel';
import { exportRecordsCsv } from './exportRecords';
import { RECORD_FILTER_KEYS, RecordFilters, type RecordFilterValues } from './RecordFilters';
import { recordColumns } from './recordColumns';

const PAGE_SIZES = [10, 25, 50, 100, 200];

export interface LicensingRecordsProps {
  /** Rows per page to start with (default 25). */
  initialPageSize?: number;
}

/** The filters and the search as the URL holds them (`?action=delete&q=backup`), so that a reload or a link keeps them. */
function filtersOf(params: URLSearchParams): RecordFilterValues {
  const values: Record<string, string> = {};
  for (const key of RECORD_FILTER_KEYS) {
    const value = params.get(key);
    if (value) values[key] = value;
  }
  return values as RecordFilterValues;
}

/** The licensing records: newest first, filtered, searched, paged by cursor, exported as CSV; filters in the URL. */
export function LicensingRecords({ initialPageSize = 25 }: LicensingRecordsProps) {
  const api = useApi(licenseManagementApiRef);
  const alertApi = useApi(alertApiRef);
  const titles = useCatalogTitles();
  const { revision } = useLicenseStatus();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);
  const [limit, setLimit] = useState(initialPageSize);

  const query = { ...filters, q: q || undefined };
  const queryKey = JSON.stringify([query, limit]);
  /** The cursor of every page visited so far for this query; the last one is the page shown. */
  const [visited, setVisited] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: queryKey, cursors: [undefined] });
  const cursors = visited.key === queryKey ? visited.cursors : [undefined];
  const setCursors = (next: (c: (string | undefined)[]) => (string | undefined)[]) =>
    setVisited({ key: queryKey, cursors: next(cursors) });
  const [exporting, setExporting] = useState(false);

  /** Puts filters and search in the URL (replacing the entry: typing is not history). */
  const setQuery = (next: RecordFilterValues, text: string) => {
    const updated = new URLSearchParams(params);
    for (const key of RECORD_FILTER_KEYS) {
      if (next[key]) updated.set(key, next[key]!);
      else updated.delete(key);
    }
    if (text) updated.set('q', text);
    else updated.delete('q');
    setParams(updated, { replace: true });
  };
  useDebounce(
    () => {
      if (search.trim() !== q) setQuery(filters, search.trim());
    },
    300,
    [search],
  );

  const page = cursors.length;
  const records = useAsyncRetry(
    () => api.getRecords({ ...query, limit, cursor: cursors[cursors.length - 1] }),
    [api, queryKey, cursors[cursors.length - 1], page, revision],
  );

  const exportCsv = async () => {
    setExporting(true);
    try {
      const { csv, rows, truncated } = await exportRecordsCsv(api, query, titles);
      saveBlob(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `licensing-records-${new Date().toISOString().slice(0, 10)}.csv`);
      if (truncated) {
        alertApi.post({
          message: `Exported the newest ${rows} records; narrow the filters to export older ones.`,
          severity: 'warning',
        });
      }
    } catch (e) {
      alertApi.post({ message: `The records could not be exported. ${problemText(e)}`, severity: 'error' });
    } finally {
      setExporting(false);
    }
  };

  const filtered = Object.values(query).some(v => v !== undefined);
  const items = (records.value?.items ?? []).map(r => ({ ...r }));
  const nextCursor = records.value?.nextCursor ?? null;

  return (
    <>
      <RecordFilters
        values={filters}
        onChange={v => setQuery(v, q)}
        search={search}
        onSearchChange={setSearch}
      />
      {records.error ? (
        <ProblemPanel title="The licensing records could not be read" error={records.error} onRetry={records.retry} />
      ) : (
        <Table<LicenseRecord>
          title="Licensing Records"
          subtitle="Every upload, rejected upload, replacement, deletion, expiry, lease and reload, newest first."
          columns={recordColumns(titles)}
          data={items}
          isLoading={records.loading}
          options={{ paging: false, search: false, padding: 'dense', draggable: false, sorting: false }}
          emptyContent={
            <Box p={2}>
              {filtered
                ? 'No records match these filters. Clear a filter or the search to see more.'
                : 'No licensing records yet: uploads, deletions and expiries appear here.'}
            </Box>
          }
        />
      )}
      <Box display="flex" alignItems="center" justifyContent="flex-end" flexWrap="wrap" mt={1} style={{ gap: 16 }}>
        <Button
          size="small"
          variant="outlined"
          onClick={exportCsv}
          disabled={exporting}
          startIcon={exporting ? <CircularProgress size={14} /> : <GetAppIcon />}
        >
          Export CSV
        </Button>
        <Box flexGrow={1} />
        <TextField
          select
          size="small"
          label="Rows per page"
          value={limit}
          onChange={e => {
            setLimit(Number(e.target.value));
          }}
          style={{ minWidth: 120 }}
        >
          {[...new Set([...PAGE_SIZES, initialPageSize])].sort((a, b) => a - b).map(n => (
            <MenuItem key={n} value={n}>
              {n}
            </MenuItem>
          ))}
        </TextField>
        <Typography variant="body2" aria-live="polite" data-testid="records-page">
          Page {page}
          {records.value ? ` · ${records.value.items.length} record${records.value.items.length === 1 ? '' : 's'}` : ''}
        </Typography>
        <Button
          size="small"
          startIcon={<NavigateBeforeIcon />}
          disabled={page === 1 || records.loading}
          onClick={() => setCursors(c => c.slice(0, -1))}
        >
          Newer
        </Button>
        <Button
          size="small"
          endIcon={<NavigateNextIcon />}
          disabled={!nextCursor || records.loading}
          onClick={() => setCursors(c => [...c, nextCursor ?? undefined])}
        >
          Older
        </Button>
      </Box>
    </>
  );
}

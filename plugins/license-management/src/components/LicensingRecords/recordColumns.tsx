import type { TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import {
  LIST_TITLES,
  validThroughOf,
  type LicenseRecord,
} from '@backstage-licensing/plugin-license-management-common';
import { catalogTitles, type CatalogTitles } from '@backstage-licensing/plugin-license-management-react';
import React from 'react';
import { formatDate, formatDateTime, formatDay, formatQuota, methodLabel, stateLabel, typeLabel } from '../../lib/format';

/** Who acted, for people: `user:default/jo` → `jo`, other refs without the kind. */
export function actorLabel(actor: string): string {
  const m = /^user:(?:default\/)?(.+)$/i.exec(actor);
  return m ? m[1] : actor;
}

const actionLabel = (r: LicenseRecord) => LIST_TITLES.action[r.action] ?? r.action;
/** The last valid day of the license a record names: what the vendor typed. */
const validThrough = (r: LicenseRecord) => (r.expiresAt ? formatDay(validThroughOf(r.expiresAt)) : '—');

/** The action, and under it the detail (a rejection's reason) or the license id, cut to one line (all of it on hover). */
function ActionCell({ record }: { record: LicenseRecord }) {
  const sub = record.detail ?? record.licenseId ?? '';
  return (
    <>
      <Typography variant="body2">{actionLabel(record)}</Typography>
      <Typography
        variant="caption"
        color="textSecondary"
        title={sub}
        style={{ display: 'block', maxWidth: 150, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
      >
        {sub}
      </Typography>
    </>
  );
}

/** One record as the cells of the CSV export, in column order. */
function fields(titles: CatalogTitles): { title: string; text: (r: LicenseRecord) => string }[] {
  return [
    { title: 'Time', text: r => formatDateTime(r.time) },
    { title: 'Action', text: actionLabel },
    { title: 'License type', text: r => typeLabel(r.type) },
    { title: 'Authorized items', text: r => titles.item(r.item) },
    { title: 'Method', text: r => methodLabel(r.method) },
    { title: 'Quota', text: r => formatQuota(r.quota, titles) },
    { title: 'State', text: r => stateLabel(r.state) },
    { title: 'Issued', text: r => formatDate(r.issuedAt) },
    { title: 'Valid through', text: validThrough },
    { title: 'Who', text: r => r.actor },
  ];
}

/** The CSV adds ids and details, and the time as ISO-8601. */
export const CSV_HEADER = [...fields(catalogTitles(undefined)).map(f => f.title), 'License ID', 'Detail', 'Time (ISO-8601)'];

/** One record as a CSV row, in the words of the catalog the portal runs with. */
export function csvRowOf(titles: CatalogTitles): (r: LicenseRecord) => string[] {
  const cells = fields(titles);
  return r => [...cells.map(f => f.text(r)), r.licenseId ?? '', r.detail ?? '', r.time];
}

const nowrap = { whiteSpace: 'nowrap' } as const;
// Ten columns: tighter cells than the table's default, so that they fit beside the sidebar.
const TIGHT = { padding: '6px 10px' } as const;

/** The table's columns: the guide's, plus who; ids and full times on hover. */
export function recordColumns(titles: CatalogTitles): TableColumn<LicenseRecord>[] {
  const columns: TableColumn<LicenseRecord>[] = [
    { title: 'Time', cellStyle: nowrap, render: r => <span title={r.time}>{formatDateTime(r.time)}</span> },
    { title: 'Action', render: r => <ActionCell record={r} /> },
    { title: 'License type', render: r => typeLabel(r.type) },
    { title: 'Authorized items', render: r => titles.item(r.item) },
    { title: 'Method', cellStyle: nowrap, render: r => methodLabel(r.method) },
    { title: 'Quota', cellStyle: { minWidth: 100 }, render: r => formatQuota(r.quota, titles) },
    { title: 'State', cellStyle: nowrap, render: r => stateLabel(r.state) },
    { title: 'Issued', cellStyle: nowrap, render: r => <span title={formatDateTime(r.issuedAt)}>{formatDate(r.issuedAt)}</span> },
    {
      title: 'Valid through',
      cellStyle: nowrap,
      render: r => <span title={r.expiresAt ? `Expires ${formatDateTime(r.expiresAt)}` : undefined}>{validThrough(r)}</span>,
    },
    { title: 'Who', cellStyle: nowrap, render: r => <span title={r.actor}>{actorLabel(r.actor)}</span> },
  ];
  return columns.map(c => ({
    ...c,
    cellStyle: { ...TIGHT, ...(c.cellStyle as object) },
    headerStyle: TIGHT,
  }));
}

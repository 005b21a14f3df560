import type { TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type {
  LicenseRecord,
  RecordAction,
} from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import {
  formatDate,
  formatDateTime,
  formatQuota,
  itemTitle,
  methodLabel,
  stateLabel,
  typeLabel,
} from '../../lib/format';

export const ACTION_LABELS: Record<RecordAction, string> = {
  upload: 'Uploaded',
  replace: 'Replaced',
  delete: 'Deleted',
  expire: 'Expired',
  reload: 'Reloaded',
  lease: 'Leased',
  reinstate: 'Reinstated',
  clock: 'Clock',
};

/** Who acted, for people: `user:default/jo` → `jo`, other refs without the kind. */
export function actorLabel(actor: string): string {
  const m = /^user:(?:default\/)?(.+)$/i.exec(actor);
  return m ? m[1] : actor;
}

const SHORT_METHODS: Record<string, string> = { 'request-key': 'Request key', 'usb-key': 'USB key' };

/** The action, and under it the detail or the license id, cut to one line (all of it on hover). */
function ActionCell({ record }: { record: LicenseRecord }) {
  const sub = record.detail ?? record.licenseId ?? '';
  return (
    <>
      <Typography variant="body2">{ACTION_LABELS[record.action] ?? record.action}</Typography>
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
const FIELDS: { title: string; text: (r: LicenseRecord) => string }[] = [
  { title: 'Time', text: r => formatDateTime(r.time) },
  { title: 'Action', text: r => ACTION_LABELS[r.action] ?? r.action },
  { title: 'License type', text: r => typeLabel(r.type) },
  { title: 'Authorized items', text: r => itemTitle(r.item) },
  { title: 'Method', text: r => methodLabel(r.method) },
  { title: 'Quota', text: r => formatQuota(r.quota) },
  { title: 'State', text: r => stateLabel(r.state) },
  { title: 'Issued', text: r => formatDateTime(r.issuedAt) },
  { title: 'Expires', text: r => formatDateTime(r.expiresAt) },
  { title: 'Who', text: r => r.actor },
];

/** The CSV adds ids and details, and the time as ISO-8601. */
export const CSV_HEADER = [...FIELDS.map(f => f.title), 'License ID', 'Detail', 'Time (ISO-8601)'];
export const csvRow = (r: LicenseRecord) => [...FIELDS.map(f => f.text(r)), r.licenseId ?? '', r.detail ?? '', r.time];

const nowrap = { whiteSpace: 'nowrap' } as const;
// Ten columns: tighter cells than the table's default, so that they fit beside the sidebar.
const TIGHT = { padding: '6px 10px' } as const;

/** The table's columns: the guide's, plus who; ids and full times on hover. */
const columns: TableColumn<LicenseRecord>[] = [
  { title: 'Time', cellStyle: nowrap, render: r => <span title={r.time}>{formatDateTime(r.time)}</span> },
  { title: 'Action', render: r => <ActionCell record={r} /> },
  { title: 'License type', render: r => typeLabel(r.type) },
  { title: 'Authorized items', render: r => itemTitle(r.item) },
  { title: 'Method', cellStyle: nowrap, render: r => (r.method ? SHORT_METHODS[r.method] ?? r.method : '—') },
  { title: 'Quota', cellStyle: { minWidth: 100 }, render: r => formatQuota(r.quota) },
  { title: 'State', cellStyle: nowrap, render: r => stateLabel(r.state) },
  { title: 'Issued', cellStyle: nowrap, render: r => <span title={formatDateTime(r.issuedAt)}>{formatDate(r.issuedAt)}</span> },
  { title: 'Expires', cellStyle: nowrap, render: r => <span title={formatDateTime(r.expiresAt)}>{formatDate(r.expiresAt)}</span> },
  { title: 'Who', cellStyle: nowrap, render: r => <span title={r.actor}>{actorLabel(r.actor)}</span> },
];

export const recordColumns: TableColumn<LicenseRecord>[] = columns.map(c => ({
  ...c,
  cellStyle: { ...TIGHT, ...(c.cellStyle as object) },
  headerStyle: TIGHT,
}));

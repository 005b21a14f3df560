import { Table, type TableColumn } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import type { Theme } from '@material-ui/core/styles';
import DeleteIcon from '@material-ui/icons/Delete';
import { LICENSE_STATES, type LicenseView } from '@backstage-licensing/plugin-license-management-common';
import { useCatalogTitles } from '@backstage-licensing/plugin-license-management-react';
import React, { useState } from 'react';
import { formatDate, formatDateTime, formatDay, formatQuota, methodLabel } from '../../lib/format';
import { DeleteLicenseDialog } from '../DeleteLicenseDialog';
import { LicenseStateLabel, keyMissingHint } from '../LicenseStateLabel';

export interface PlusLicensesTableProps {
  /** Every installed Plus license, whatever its state. */
  licenses: LicenseView[];
  /** Whether the viewer may delete licenses (license.delete). */
  canDelete: boolean;
  onDeleted: (license: LicenseView) => void;
  /**
   * Offers Reinstate for superseded licenses (to license admins: the upload
   * permission, license.create); called with the license to reinstate.
   */
  onReinstate?: (license: LicenseView) => void;
}

const nowrap = { whiteSpace: 'nowrap' } as const;
const TIGHT = { padding: '6px 8px' } as const;

/**
 * Plus licenses: module, state, quota, method, issued, valid through; delete
 * and reinstate for admins. What is expiring soon and what may be deleted is
 * what the server said (`expiringSoon`, `deletable`).
 */
export function PlusLicensesTable({ licenses, canDelete, onDeleted, onReinstate }: PlusLicensesTableProps) {
  const titles = useCatalogTitles();
  // In a narrow window (under 960 px, beside the sidebar) method and issued
  // give way, so that the actions stay on screen without scrolling sideways.
  const narrow = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'));
  const [toDelete, setToDelete] = useState<LicenseView>();
  const rows = licenses.map(l => ({ ...l })).sort(
    (a, b) => a.title.localeCompare(b.title) || LICENSE_STATES.indexOf(a.state) - LICENSE_STATES.indexOf(b.state),
  );

  const columns: TableColumn<LicenseView>[] = [
    { title: 'Module', field: 'title', highlight: true },
    {
      title: 'State',
      field: 'state',
      render: l =>
        l.state === 'key-missing' ? (
          <Tooltip title={keyMissingHint(l.keyId)}>
            <span>
              <LicenseStateLabel state={l.state} />
              <Typography variant="caption" color="textSecondary" component="div" style={{ whiteSpace: 'nowrap' }}>
                Plug in USB key {l.keyId}
              </Typography>
            </span>
          </Tooltip>
        ) : (
          <LicenseStateLabel state={l.state} expiringSoon={l.expiringSoon} />
        ),
    },
    { title: 'Quota', render: l => formatQuota(l.quota, titles) },
    { title: 'Method', hidden: narrow, cellStyle: nowrap, render: l => methodLabel(l.method) },
    {
      title: 'Issued',
      hidden: narrow,
      cellStyle: nowrap,
      render: l => <span title={formatDateTime(l.issuedAt)}>{formatDate(l.issuedAt)}</span>,
    },
    {
      title: 'Valid through',
      cellStyle: nowrap,
      render: l => <span title={`Expires ${formatDateTime(l.expiresAt)}`}>{formatDay(l.validThrough)}</span>,
    },
  ];
  const deleteAction = (l: LicenseView) => {
    if (!l.deletable) {
      if (l.method !== 'usb-key') return null;
      return (
        <Tooltip title="Licenses from a USB key cannot be deleted">
          <span>—</span>
        </Tooltip>
      );
    }
    return (
      <Tooltip title={`Delete ${l.title}`}>
        <IconButton aria-label={`Delete ${l.title} (${l.id})`} size="small" onClick={() => setToDelete(l)}>
          <DeleteIcon fontSize="small" />
        </IconButton>
      </Tooltip>
    );
  };
  if (canDelete || onReinstate) {
    columns.push({
      title: 'Actions',
      align: 'right',
      cellStyle: nowrap,
      render: l => (
        <>
          {onReinstate && l.state === 'superseded' && (
            <Tooltip title={`Bring ${l.title} (${l.id}) back into force`}>
              <Button size="small" color="primary" aria-label={`Reinstate ${l.title} (${l.id})`} onClick={() => onReinstate(l)}>
                Reinstate
              </Button>
            </Tooltip>
          )}
          {canDelete && deleteAction(l)}
        </>
      ),
    });
  }

  const examples = titles.items.filter(i => i.type === 'plus').slice(0, 2).map(i => i.title);
  // ...and the cells are tighter.
  const shown = narrow
    ? columns.map(c => ({ ...c, cellStyle: { ...TIGHT, ...(c.cellStyle as object) }, headerStyle: TIGHT }))
    : columns;
  return (
    <>
      <Table<LicenseView>
        title={`Plus Licenses (${licenses.length})`}
        columns={shown}
        data={rows}
        options={{ paging: false, search: false, padding: 'dense', draggable: false }}
        emptyContent={
          <div style={{ padding: 16 }}>
            No Plus licenses installed. Plus licenses add modules{examples.length ? ` such as ${examples.join(' or ')}` : ''};
            they need a valid Base license.
          </div>
        }
      />
      <DeleteLicenseDialog
        license={toDelete}
        onClose={() => setToDelete(undefined)}
        onDeleted={l => {
          setToDelete(undefined);
          onDeleted(l);
        }}
      />
    </>
  );
}

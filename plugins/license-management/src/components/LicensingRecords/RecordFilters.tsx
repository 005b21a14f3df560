import Box from '@material-ui/core/Box';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import { defaultLicenseCatalog } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import type { RecordQuery } from '@backstage-licensing/plugin-license-management-react';
import { ACTION_LABELS } from './recordColumns';

export type RecordFilterValues = Pick<RecordQuery, 'type' | 'item' | 'method' | 'state' | 'action'>;

const OPTIONS: Record<keyof RecordFilterValues, [string, string][]> = {
  type: [
    ['base', 'Base'],
    ['plus', 'Plus'],
  ],
  item: [
    ...defaultLicenseCatalog.editions.map(e => [e.id, e.title] as [string, string]),
    ...defaultLicenseCatalog.modules.map(m => [m.id, m.title] as [string, string]),
  ],
  method: [
    ['request-key', 'Local (request key)'],
    ['usb-key', 'Local (USB key)'],
  ],
  state: [
    ['valid', 'Valid'],
    ['superseded', 'Superseded'],
    ['pending', 'Pending'],
    ['expired', 'Expired'],
  ],
  action: Object.entries(ACTION_LABELS),
};

const LABELS: Record<keyof RecordFilterValues, string> = {
  type: 'License type',
  item: 'Authorized item',
  method: 'Method',
  state: 'State',
  action: 'Action',
};

export interface RecordFiltersProps {
  values: RecordFilterValues;
  onChange: (values: RecordFilterValues) => void;
  search: string;
  onSearchChange: (search: string) => void;
}

/** Type, item, method, state and action filters, and free-text search. */
export function RecordFilters({ values, onChange, search, onSearchChange }: RecordFiltersProps) {
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2} role="search" aria-label="Filter licensing records">
      <TextField
        label="Search"
        placeholder="License ID, item, who, detail"
        variant="outlined"
        size="small"
        value={search}
        onChange={e => onSearchChange(e.target.value)}
        inputProps={{ maxLength: 100, 'aria-label': 'Search records' }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
        style={{ minWidth: 260 }}
      />
      {(Object.keys(OPTIONS) as (keyof RecordFilterValues)[]).map(key => (
        <TextField
          key={key}
          select
          label={LABELS[key]}
          variant="outlined"
          size="small"
          value={values[key] ?? ''}
          onChange={e => onChange({ ...values, [key]: e.target.value || undefined })}
          style={{ minWidth: key === 'item' ? 220 : 150 }}
          SelectProps={{ SelectDisplayProps: { 'aria-label': LABELS[key] } as object }}
        >
          <MenuItem value="">All</MenuItem>
          {OPTIONS[key].map(([value, label]) => (
            <MenuItem key={value} value={value}>
              {label}
            </MenuItem>
          ))}
        </TextField>
      ))}
    </Box>
  );
}

import Box from '@material-ui/core/Box';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import {
  LICENSE_METHODS,
  LICENSE_STATES,
  LICENSE_TYPES,
  LIST_TITLES,
  RECORD_ACTIONS,
} from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { useCatalogTitles, type RecordQuery } from '@backstage-licensing/plugin-license-management-react';

export type RecordFilterValues = Pick<RecordQuery, 'type' | 'item' | 'method' | 'state' | 'action'>;

/** The filters, in the order shown. */
export const RECORD_FILTER_KEYS = ['type', 'item', 'method', 'state', 'action'] as const;

const choices = <T extends string>(values: readonly T[], titles: Record<T, string>): [string, string][] =>
  values.map(v => [v, titles[v]]);

/** Every value of the fixed lists, in the words of LIST_TITLES. */
const LIST_OPTIONS = {
  type: choices(LICENSE_TYPES, LIST_TITLES.type),
  method: choices(LICENSE_METHODS, LIST_TITLES.method),
  state: choices(LICENSE_STATES, LIST_TITLES.state),
  action: choices(RECORD_ACTIONS, LIST_TITLES.action),
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
  // Editions and modules of the catalog the portal runs with.
  const titles = useCatalogTitles();
  const options: Record<keyof RecordFilterValues, [string, string][]> = {
    ...LIST_OPTIONS,
    item: titles.items.map(i => [i.id, i.title]),
  };
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
      {RECORD_FILTER_KEYS.map(key => (
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
          {options[key].map(([value, label]) => (
            <MenuItem key={value} value={value}>
              {label}
            </MenuItem>
          ))}
        </TextField>
      ))}
    </Box>
  );
}

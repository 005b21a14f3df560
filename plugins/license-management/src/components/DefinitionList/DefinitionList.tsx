import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import React from 'react';
import type { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1.25),
    margin: 0,
    alignItems: 'center',
  },
  term: { color: theme.palette.text.secondary, fontWeight: theme.typography.fontWeightMedium as number },
  value: { margin: 0, minHeight: 24, display: 'flex', alignItems: 'center', flexWrap: 'wrap', wordBreak: 'break-word' },
}));

export interface DefinitionListProps {
  rows: [term: string, value: ReactNode][];
  'data-testid'?: string;
}

/** Label / value pairs, labels in a column of their own. */
export function DefinitionList({ rows, ...rest }: DefinitionListProps) {
  const classes = useStyles();
  return (
    <Box component="dl" className={classes.list} data-testid={rest['data-testid']}>
      {rows.map(([term, value]) => (
        <Box key={term} display="contents">
          <Typography component="dt" variant="body2" className={classes.term}>
            {term}
          </Typography>
          <Typography component="dd" variant="body2" className={classes.value}>
            {value}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

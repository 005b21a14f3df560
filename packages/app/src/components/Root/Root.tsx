import {
  Sidebar,
  SidebarDivider,
  SidebarItem,
  SidebarPage,
  SidebarSpace,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExitToAppIcon from '@material-ui/icons/ExitToApp';
import HomeIcon from '@material-ui/icons/Home';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import { LicenseBanner } from '@backstage-licensing/plugin-license-management';
import React, { type PropsWithChildren } from 'react';

const useStyles = makeStyles({
  // The license notices sit above the page; the page fills what is left.
  frame: { display: 'flex', flexDirection: 'column', height: '100vh', minWidth: 0 },
  content: { flex: '1 1 auto', minHeight: 0, '& [data-backstage-core-page]': { height: '100%' } },
});

function Logo() {
  return (
    <Box display="flex" alignItems="center" px={3} py={2} color="common.white">
      <VpnKeyIcon />
      <Typography variant="subtitle2" style={{ marginLeft: 12, fontWeight: 700, lineHeight: 1.2 }}>
        License
        <br />
        Portal
      </Typography>
    </Box>
  );
}

/** The portal's frame: the sidebar, the license notices, then the page. */
export function Root({ children }: PropsWithChildren<{}>) {
  const identityApi = useApi(identityApiRef);
  const classes = useStyles();
  return (
    <SidebarPage>
      <Sidebar>
        <Logo />
        <SidebarDivider />
        <SidebarItem icon={HomeIcon} to="home" text="Home" />
        <SidebarItem icon={VpnKeyIcon} to="license-management" text="License Management" />
        <SidebarSpace />
        <SidebarDivider />
        <SidebarItem icon={ExitToAppIcon} text="Sign out" onClick={() => identityApi.signOut()} />
      </Sidebar>
      <div className={classes.frame}>
        <LicenseBanner />
        <div className={classes.content}>{children}</div>
      </div>
    </SidebarPage>
  );
}

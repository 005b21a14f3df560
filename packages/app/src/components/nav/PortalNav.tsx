import {
  Sidebar,
  SidebarDivider,
  SidebarItem,
  SidebarSpace,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import type { NavContentComponentProps } from '@backstage/plugin-app-react';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ExitToAppIcon from '@material-ui/icons/ExitToApp';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import React from 'react';

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

/**
 * Shorter sidebar words for pages whose title does not fit the sidebar's
 * width ("License Management" was cut to "License Mana…"); the pages keep
 * their titles.
 */
const SIDEBAR_TEXT: Record<string, string> = { 'page:license-management': 'Licenses' };

/**
 * The portal's sidebar: the pages' own items (Home, License Management, any
 * other plugin's page), Notifications with its unread count, and sign-out.
 */
export function PortalNav({ navItems }: NavContentComponentProps) {
  const identityApi = useApi(identityApiRef);
  const items = navItems.withComponent(item => (
    <SidebarItem to={item.href} icon={() => item.icon} text={SIDEBAR_TEXT[item.node.spec.id] ?? item.title} />
  ));
  const home = items.take('page:app/home');
  const licenseManagement = items.take('page:license-management');
  // Notifications gets the notifications plugin's own item, with the unread count.
  items.take('page:notifications');
  return (
    <Sidebar>
      <Logo />
      <SidebarDivider />
      {home}
      {licenseManagement}
      {items.rest()}
      <NotificationsSidebarItem />
      <SidebarSpace />
      <SidebarDivider />
      <SidebarItem icon={ExitToAppIcon} text="Sign out" onClick={() => identityApi.signOut()} />
    </Sidebar>
  );
}

import { SignInPage } from '@backstage/core-components';
import { PageBlueprint, createFrontendModule, createRouteRef } from '@backstage/frontend-plugin-api';
import { NavContentBlueprint, SignInPageBlueprint } from '@backstage/plugin-app-react';
import HomeIcon from '@material-ui/icons/Home';
import React from 'react';
import { PortalNav } from '../components/nav';

const homeRouteRef = createRouteRef();

/**
 * What this portal adds to the app: guest sign-in (automatic once chosen),
 * its sidebar, and the Home page, where license gates are at work.
 */
export const portalModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => props => (
          <SignInPage {...props} auto providers={['guest']} title="License Management Portal" align="center" />
        ),
      },
    }),
    NavContentBlueprint.make({ params: { component: PortalNav } }),
    // `page:app/home`; app-config.yaml redirects / here (app/routes).
    PageBlueprint.make({
      name: 'home',
      params: {
        path: '/home',
        routeRef: homeRouteRef,
        title: 'Home',
        icon: <HomeIcon />,
        noHeader: true,
        loader: () => import('../components/home').then(m => <m.HomePage />),
      },
    }),
  ],
});

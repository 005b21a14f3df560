import { makeStyles } from '@material-ui/core/styles';
import React, { type ReactNode, useLayoutEffect, useRef, useState } from 'react';
import { LicenseBanner } from '../LicenseBanner';

const useStyles = makeStyles(
  theme => ({
    frame: {},
    // While notices are shown they take the top of the window, across the
    // sidebar, and the app's layout gets the rest. The transform makes the
    // layout the containing block of the sidebar, which is fixed to the window
    // otherwise and would cover the notices. Without notices the frame adds
    // nothing: the layout is as the app made it.
    framed: {
      display: 'flex',
      flexDirection: 'column',
      height: '100vh',
      '& > $layout': {
        flex: '1 1 auto',
        minHeight: 0,
        position: 'relative',
        transform: 'translateZ(0)',
        overflow: 'hidden',
      },
      '& > $layout > $scroller': { height: '100%', overflowY: 'auto' },
      // Legacy pages are as tall as the window and scroll inside; below the
      // notices they grow with their content and the frame scrolls instead.
      '& [data-backstage-core-page]': { height: 'auto', overflowY: 'visible' },
      '@media print': { display: 'block', height: 'auto' },
    },
    notices: { flex: '0 0 auto', position: 'relative', zIndex: theme.zIndex.appBar + 1 },
    layout: {},
    scroller: {},
  }),
  { name: 'LicenseNoticesFrame' },
);

/**
 * The app's layout (sidebar and pages) below the portal's license notices:
 * how the new frontend system shows `LicenseBanner` above every page after
 * sign-in. Mounted by the License Management app module.
 */
export function LicenseNoticesFrame({ children }: { children: ReactNode }) {
  const classes = useStyles();
  const notices = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(false);

  // The banner decides what to show (and what was dismissed); the frame only
  // follows whether it shows anything. The elements stay the same either way,
  // so the app below is never mounted again.
  useLayoutEffect(() => {
    const slot = notices.current;
    if (!slot) return undefined;
    const update = () => setShown(slot.childElementCount > 0);
    update();
    const observer = new MutationObserver(update);
    observer.observe(slot, { childList: true });
    return () => observer.disconnect();
  }, []);

  return (
    <div className={shown ? `${classes.frame} ${classes.framed}` : classes.frame} data-testid="license-notices-frame">
      <div className={classes.notices} ref={notices}>
        <LicenseBanner />
      </div>
      <div className={classes.layout}>
        <div className={classes.scroller}>{children}</div>
      </div>
    </div>
  );
}

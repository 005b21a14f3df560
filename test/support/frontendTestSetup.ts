/**
 * The setup every frontend package's tests share (each package's
 * src/setupTests.ts imports it).
 */
import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Pages render slowly on a busy 2-core machine: wait for what a test expects
// up to 10 s (findBy*, waitFor) instead of testing-library's default 1 s.
configure({ asyncUtilTimeout: 10_000 });

/**
 * Console output that is known and harmless here, dropped so that what is
 * printed is worth reading. Everything else still prints.
 * - React Router 6 announces its v7 changes once per test app, whose router
 *   (Backstage's) does not opt in to the future flags.
 * - React 18 deprecation notices raised inside @material-table/core,
 *   react-beautiful-dnd and JSS (findDOMNode, defaultProps on function and
 *   memo components, a JSS rule jsdom cannot parse).
 * - Backstage UI's app shell (react-aria) in the new frontend system:
 *   its own controlled-state and focusable notices.
 * - `act(...)` notices for state updates that land after the assertion
 *   they belong to passed (status re-reads, permission answers).
 * - AlertApi's notice that `post` is deprecated in favour of the toast API,
 *   raised by Backstage's own components.
 */
const KNOWN_HARMLESS = [
  /React Router Future Flag Warning/,
  /findDOMNode is deprecated/,
  /Support for defaultProps will be removed from (function|memo) components/,
  /\[JSS\] processedRuleToParse is not defined/,
  /A component changed from uncontrolled to controlled/,
  /<Focusable> child must have an interactive ARIA role/,
  /not wrapped in act\(/,
  /AlertApi.*deprecated|deprecated.*AlertApi/i,
];

for (const method of ['warn', 'error'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    const text = args.map(a => (typeof a === 'string' ? a : a instanceof Error ? a.message : '')).join(' ');
    if (KNOWN_HARMLESS.some(pattern => pattern.test(text))) return;
    original(...args);
  };
}

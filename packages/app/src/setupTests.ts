import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Pages render slowly on a busy 2-core machine: wait for what a test expects
// up to 10 s (findBy*, waitFor) instead of testing-library's default 1 s.
configure({ asyncUtilTimeout: 10_000 });

// Known and harmless: React Router 6 announces its v7 changes once per test
// app, whose router does not opt in to the future flags. Every other warning
// still shows.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('React Router Future Flag Warning')) return;
  warn(...args);
};

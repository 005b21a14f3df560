import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Pages render slowly on a busy 2-core machine: wait for what a test expects
// up to 10 s (findBy*, waitFor) instead of testing-library's default 1 s.
configure({ asyncUtilTimeout: 10_000 });

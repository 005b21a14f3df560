/**
 * The browser end-to-end test: `npm run test:e2e` (not part of `npm test`).
 * Node environment, TypeScript through the Backstage CLI's SWC transform,
 * one test file at a time.
 */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.e2e.test.ts'],
  testEnvironment: 'node',
  transform: {
    '\\.ts$': [
      require.resolve('@backstage/cli/config/jestSwcTransform'),
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } },
    ],
  },
  maxWorkers: 1,
  testTimeout: 120_000,
};

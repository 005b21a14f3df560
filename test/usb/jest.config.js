/**
 * Real USB enumeration in a QEMU guest: `npm run test:usb` (not part of
 * `npm test`). Node environment, TypeScript through the Backstage CLI's SWC
 * transform, one test file at a time (one guest at a time).
 */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.test.ts'],
  testEnvironment: 'node',
  transform: {
    '\\.ts$': [
      require.resolve('@backstage/cli/config/jestSwcTransform'),
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } },
    ],
  },
  maxWorkers: 1,
  testTimeout: 180_000,
};

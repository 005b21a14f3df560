// The fixtures live with the -react package's tests; the page's tests use the same ones.
export * from '../../../license-management-react/src/testUtils/fixtures';

// The fake backend lives with the -react package's tests; the page's tests use the same one.
export * from '../../../license-management-react/src/testUtils/server';

import '../../../test/support/frontendTestSetup';

/**
 * Tests by kind, one Jest project each: `npm test` runs them all, `npm test -- --selectProjects db` one kind.
 * Unit tests sit next to the code (*.spec.ts); the other kinds are under test/<kind>/ (docs/testing.md).
 */
const kind = (displayName, testMatch) => ({
  displayName,
  rootDir: '.',
  testEnvironment: 'node',
  testMatch,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }] },
  moduleNameMapper: { '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src' },
});

module.exports = {
  projects: [
    kind('unit', ['<rootDir>/{apps,libs}/**/*.spec.ts']),
    kind('db', ['<rootDir>/test/db/**/*.spec.ts']),
    kind('api', ['<rootDir>/test/api/**/*.e2e-spec.ts']),
    kind('contract', ['<rootDir>/test/contract/**/*.e2e-spec.ts', '<rootDir>/test/contract/**/*.spec.ts']),
    kind('cli', ['<rootDir>/test/cli/**/*.e2e-spec.ts']),
    kind('processes', ['<rootDir>/test/processes/**/*.e2e-spec.ts']),
    kind('browser', ['<rootDir>/test/browser/**/*.e2e-spec.ts']),
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};

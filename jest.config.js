// Three suites, chosen with --selectProjects:
//   unit        *.spec.ts       pure logic, no servers
//   integration *.int-spec.ts   real Postgres, Redis and Kafka, in-process services
//   e2e         e2e/**/*.e2e-spec.ts  the four services as processes, public interfaces only
//   faults      e2e/faults/*.faults-spec.ts  the same, on a broker, Redis and PostgreSQL of
//               its own that it kills while encounters flow (npm run test:faults)
//   fuzz        e2e/fuzz/**/*.fuzz-spec.ts  hostile input against the running services (npm run test:fuzz)
const preset = require('./jest.preset');

module.exports = {
  // testTimeout is a global option (jest ignores it inside projects).
  testTimeout: 60000,
  projects: [
    {
      ...preset,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/services/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'],
      // libs/domain and libs/evaluation run under their own configs, with their coverage bars
      // (npm run test:domain, npm run test:evaluation).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/libs/domain/', '<rootDir>/libs/evaluation/'],
    },
    {
      ...preset,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/**/*.int-spec.ts', '<rootDir>/services/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.js',
    },
    {
      ...preset,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.js',
    },
    {
      ...preset,
      displayName: 'faults',
      testMatch: ['<rootDir>/e2e/faults/**/*.faults-spec.ts'],
    },
    {
      ...preset,
      displayName: 'fuzz',
      testMatch: ['<rootDir>/e2e/fuzz/**/*.fuzz-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.js',
    },
  ],
};

// Unit tests of the pure evaluation library alone, with the coverage bar it must hold.
const path = require('path');
const preset = require('../../jest.preset');

module.exports = {
  ...preset,
  rootDir: path.join(__dirname),
  displayName: 'evaluation',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.spec.ts', '!<rootDir>/src/index.ts'],
  coverageThreshold: { global: { lines: 95, branches: 95, functions: 95, statements: 95 } },
  coverageDirectory: path.join(__dirname, '../../coverage/libs/evaluation'),
};

// Shared jest settings: SWC transpiles TypeScript (with decorator metadata, which
// NestJS dependency injection and TypeORM need) far faster than ts-jest.
const path = require('path');

const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
    // jose 6 ships ES modules only: jest's module loader needs them as CommonJS (Node itself loads them natively).
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@ddp/domain$': path.join(root, 'libs/domain/src/index.ts'),
    '^@ddp/evaluation$': path.join(root, 'libs/evaluation/src/index.ts'),
    '^@ddp/contracts$': path.join(root, 'libs/contracts/src/index.ts'),
    '^@ddp/platform$': path.join(root, 'libs/platform/src/index.ts'),
    '^@ddp/testing$': path.join(root, 'libs/testing/src/index.ts'),
    '^@ddp/local-outbox$': path.join(root, 'libs/local-outbox/src/index.ts'),
  },
};

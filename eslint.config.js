// Lint rules that keep the architecture honest (Nx module boundaries, two tag axes):
//   type:app       may import domain, contracts, platform (and testing in tests); never another app
//   type:platform  may import contracts and domain (and testing, in its own tests)
//   type:contracts may import nothing of ours
//   type:domain    may import only domain, and no framework or I/O package
//   scope:<svc>    an app only reaches shared libs, never another service's scope
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const FRAMEWORK_AND_IO = [
  '@nestjs/*', 'typeorm', 'kafkajs', 'bullmq', 'ioredis', 'pg', 'express', 'nodemailer', 'notifications-node-client',
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https',
  'child_process', 'node:child_process', 'dgram', 'node:dgram', 'crypto', 'node:crypto',
];

module.exports = [
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.nx/**', 'infra/kafka/libs/**', '.run/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // The platform's own integration tests use libs/testing, which is built on the platform.
          ignoredCircularDependencies: [['platform', 'testing']],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:platform', 'type:testing'] },
            // type:testing is allowed for the platform's own tests only (see the no-restricted-imports block).
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: FRAMEWORK_AND_IO },
            { sourceTag: 'scope:referral', onlyDependOnLibsWithTags: ['scope:shared', 'scope:referral'] },
            { sourceTag: 'scope:provider-scheduling', onlyDependOnLibsWithTags: ['scope:shared', 'scope:provider-scheduling'] },
            { sourceTag: 'scope:outcome', onlyDependOnLibsWithTags: ['scope:shared', 'scope:outcome'] },
            { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Production code never imports the test helpers.
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**', 'e2e/**', 'bench/**', '**/test/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@ddp/testing', message: 'test helpers are for tests only' }] }] },
  },
  {
    // The domain stays pure: no framework, no I/O, not even Node's built-in modules
    // (Nx's bannedExternalImports does not see built-ins, so this block does). It comes
    // after the general block because a later block's options replace an earlier one's.
    files: ['libs/domain/**/*.ts'],
    ignores: ['libs/domain/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@ddp/testing', message: 'test helpers are for tests only' }],
        patterns: [{ group: ['node:*', ...FRAMEWORK_AND_IO], message: 'libs/domain is pure: no framework or I/O imports (pass data and time in)' }],
      }],
    },
  },
  {
    // libs/evaluation (the figures' statistics) is pure in the same way.
    files: ['libs/evaluation/**/*.ts'],
    ignores: ['libs/evaluation/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@ddp/testing', message: 'test helpers are for tests only' }],
        patterns: [{ group: ['node:*', ...FRAMEWORK_AND_IO], message: 'libs/evaluation is pure: no framework or I/O imports (pass the counts in)' }],
      }],
    },
  },
  {
    // Tests may use loose typing for response bodies.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts', 'libs/local-outbox/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];

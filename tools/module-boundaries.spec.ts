import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Proves the lint rules fail the changes the architecture forbids (nothing is written
// to disk: each probe is linted as if it lived at the given path).
const root = path.resolve(__dirname, '..');

const PROBES: Record<string, { filePath: string; code: string }> = {
  domainNest: { filePath: 'libs/domain/src/boundary-probe.ts', code: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n" },
  domainTypeorm: { filePath: 'libs/domain/src/boundary-probe.ts', code: "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n" },
  domainKafka: { filePath: 'libs/domain/src/boundary-probe.ts', code: "import { Kafka } from 'kafkajs';\nexport const x = Kafka;\n" },
  domainFs: { filePath: 'libs/domain/src/boundary-probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" },
  domainPlatform: { filePath: 'libs/domain/src/boundary-probe.ts', code: "import { Clock } from '@ddp/platform';\nexport const x = Clock;\n" },
  serviceToService: {
    filePath: 'services/referral/src/boundary-probe.ts',
    code: "import { OutcomeAppModule } from '../../outcome/src/app.module';\nexport const x = OutcomeAppModule;\n",
  },
  productionToTesting: { filePath: 'services/referral/src/boundary-probe.ts', code: "import { anEncounter } from '@ddp/testing';\nexport const x = anEncounter;\n" },
  serviceToShared: {
    filePath: 'services/referral/src/boundary-probe.ts',
    code: "import { decideEligibility } from '@ddp/domain';\nimport { TOPICS } from '@ddp/contracts';\nimport { Clock } from '@ddp/platform';\nexport const x = [decideEligibility, TOPICS, Clock];\n",
  },
  evaluationNest: { filePath: 'libs/evaluation/src/boundary-probe.ts', code: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n" },
  evaluationFs: { filePath: 'libs/evaluation/src/boundary-probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" },
  evaluationPlatform: { filePath: 'libs/evaluation/src/boundary-probe.ts', code: "import { Clock } from '@ddp/platform';\nexport const x = Clock;\n" },
  evaluationContracts: { filePath: 'libs/evaluation/src/boundary-probe.ts', code: "import { TOPICS } from '@ddp/contracts';\nexport const x = TOPICS;\n" },
  evaluationToDomain: { filePath: 'libs/evaluation/src/boundary-probe.ts', code: "import { SEED } from '@ddp/domain';\nexport const x = SEED;\n" },
  serviceToEvaluation: { filePath: 'services/outcome/src/boundary-probe.ts', code: "import { suppress } from '@ddp/evaluation';\nexport const x = suppress;\n" },
  domainToItself: { filePath: 'libs/domain/src/boundary-probe.ts', code: "import { SCHEMES } from './config';\nexport const x = SCHEMES;\n" },
};

describe('module boundaries (eslint + Nx tags)', () => {
  const found: Record<string, string[]> = {};

  beforeAll(() => {
    // The Nx rule reads the cached project graph; without it the rule silently skips.
    execFileSync(path.join(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, stdio: 'ignore' });
    const names = Object.keys(PROBES);
    const output = execFileSync(process.execPath, [path.join(root, 'tools/lint-probes.js')], { cwd: root, input: JSON.stringify(names.map((n) => PROBES[n])) });
    const results = JSON.parse(output.toString()) as string[][];
    names.forEach((n, i) => (found[n] = results[i]));
  }, 90000);

  const boundaryErrors = (name: string) => found[name].filter((p) => p.startsWith('@nx/enforce-module-boundaries'));

  it.each(['domainNest', 'domainTypeorm', 'domainKafka', 'domainPlatform'])('refuses the domain probe %s', (name) => {
    expect(boundaryErrors(name).length).toBeGreaterThan(0);
  });

  it('refuses the domain importing a Node built-in', () => {
    expect(found.domainFs.join('\n')).toMatch(/libs\/domain is pure/);
  });

  it.each(['evaluationNest', 'evaluationPlatform', 'evaluationContracts'])('refuses the evaluation probe %s', (name) => {
    expect(boundaryErrors(name).length).toBeGreaterThan(0);
  });

  it('refuses the evaluation library importing a Node built-in', () => {
    expect(found.evaluationFs.join('\n')).toMatch(/libs\/evaluation is pure/);
  });

  it('accepts the evaluation library importing the domain, and a service importing it', () => {
    expect(found.evaluationToDomain).toEqual([]);
    expect(found.serviceToEvaluation).toEqual([]);
  });

  it('refuses a service importing another service', () => {
    expect(boundaryErrors('serviceToService').length).toBeGreaterThan(0);
  });

  it('refuses production code importing the test helpers', () => {
    expect(found.productionToTesting.join('\n')).toMatch(/test helpers are for tests only/);
  });

  it('accepts a service importing the shared libraries', () => {
    expect(found.serviceToShared).toEqual([]);
  });

  it('accepts the domain importing only itself', () => {
    expect(found.domainToItself).toEqual([]);
  });
});

#!/usr/bin/env bash
# `npm test`: every check and every test, against real servers.
#   0. preflight: the machine has what the run needs (tools/preflight.js)
#   1. dependencies (npm install when node_modules is missing), build, type check, lint
#   2. libs/domain and libs/evaluation unit tests with the coverage bar (>= 95%)
#   3. unit tests of everything else
#   4. integration tests (real PostgreSQL, Redis and Kafka; services in-process)
#   5. end-to-end journeys (the four services as processes; public interfaces only)
#   6. fault injection (the same, on a broker, Redis and PostgreSQL of its own, killed in turn)
#   7. fuzz, short form (hostile input on every route; npm run test:fuzz is the full form)
# Ends with one summary line "tests: N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# What the machine lacks, one line each, before anything starts (Node, Java, PostgreSQL, ports...).
node tools/preflight.js test || exit 1
REPORTS="$ROOT/.run/test-reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
export KAFKAJS_NO_PARTITIONER_WARNING=1

step() { echo; echo "=== $* ==="; }
fail() { echo "npm test: $*" >&2; summary; exit 1; }

summary() {
  node -e '
    const fs = require("fs"); const dir = process.argv[1];
    let passed = 0, failed = 0;
    for (const f of fs.readdirSync(dir)) {
      const r = JSON.parse(fs.readFileSync(dir + "/" + f, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    }
    console.log(`tests: ${passed} passed, ${failed} failed`);
  ' "$REPORTS"
}

step "dependencies"
# `npm install` (it follows package-lock.json), not `npm ci`: the registry these machines reach
# does not serve other platforms' optional binaries (e.g. @swc/core-darwin-*), so the lock
# cannot list them and `npm ci` refuses it as out of sync.
[ -d node_modules/.bin ] || npm install --no-audit --no-fund || fail "npm install failed"
step "build"
node tools/build.js || fail "build failed"
step "type check"
npx tsc -p tsconfig.json || fail "type errors"
step "lint (module boundaries)"
npx nx show projects >/dev/null && npx eslint . || fail "lint errors"
step "servers (PostgreSQL, Redis, Kafka, topics)"
bash tools/infra.sh up || fail "infrastructure did not come up"

status=0
step "libs/domain (with coverage)"
npx jest -c libs/domain/jest.config.js --coverage --coverageReporters=text-summary --json --outputFile="$REPORTS/domain.json" || status=1
step "libs/evaluation (with coverage)"
npx jest -c libs/evaluation/jest.config.js --coverage --coverageReporters=text-summary --json --outputFile="$REPORTS/evaluation.json" || status=1
step "unit"
npx jest --selectProjects unit --json --outputFile="$REPORTS/unit.json" || status=1
step "integration"
npx jest --selectProjects integration --runInBand --json --outputFile="$REPORTS/integration.json" || status=1
step "end to end"
npx jest --selectProjects e2e --runInBand --json --outputFile="$REPORTS/e2e.json" || status=1
step "fault injection"
npx jest --selectProjects faults --runInBand --json --outputFile="$REPORTS/faults.json" || status=1
step "fuzz (short form)"
npx jest --selectProjects fuzz --runInBand --json --outputFile="$REPORTS/fuzz.json" || status=1
summary
exit $status

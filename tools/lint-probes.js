#!/usr/bin/env node
// Lints code snippets as if they lived at given paths (nothing is written to disk).
// Input on stdin: [{ "filePath": "libs/domain/src/x.ts", "code": "..." }, ...]
// Output on stdout: [["ruleId: message", ...], ...] in the same order.
// Used by tools/module-boundaries.spec.ts (ESLint's config loader needs real ESM
// dynamic import, which jest's VM does not provide).
const path = require('path');
const { ESLint } = require('eslint');

const root = path.resolve(__dirname, '..');
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', async () => {
  const eslint = new ESLint({ cwd: root });
  const probes = JSON.parse(input);
  const out = [];
  for (const probe of probes) {
    const [result] = await eslint.lintText(probe.code, { filePath: path.join(root, probe.filePath) });
    out.push(result.messages.map((m) => `${m.ruleId}: ${m.message}`));
  }
  process.stdout.write(JSON.stringify(out));
});

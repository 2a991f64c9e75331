#!/usr/bin/env node
// Compiles every library, service and tool to dist/ (same tree) with SWC: decorator
// metadata for NestJS and TypeORM, and the @ddp/* path aliases rewritten to relative
// requires so `node dist/services/<name>/src/main.js` runs with no loader.
// Type checking is separate: `npm run typecheck` (tsc --noEmit).
const fs = require('fs');
const path = require('path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist');
const sources = ['libs', 'services', 'tools', 'bench'];

function walk(dir, files = []) {
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(full, files);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) {
      files.push(full);
    } else if (/\.(hbs|txt|json|mustache|html)$/.test(entry.name) && full.includes(`${path.sep}templates${path.sep}`)) {
      files.push(full);
    }
  }
  return files;
}

const options = (file) => ({
  filename: file,
  sourceMaps: true,
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    baseUrl: root,
    paths: {
      '@ddp/domain': ['libs/domain/src/index.ts'],
      '@ddp/evaluation': ['libs/evaluation/src/index.ts'],
      '@ddp/contracts': ['libs/contracts/src/index.ts'],
      '@ddp/platform': ['libs/platform/src/index.ts'],
      '@ddp/testing': ['libs/testing/src/index.ts'],
      '@ddp/local-outbox': ['libs/local-outbox/src/index.ts'],
    },
  },
});

async function main() {
  const started = Date.now();
  const files = sources.flatMap((s) => walk(path.join(root, s)));
  await Promise.all(
    files.map(async (file) => {
      const rel = path.relative(root, file);
      const target = path.join(out, rel.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (!file.endsWith('.ts')) return fs.copyFileSync(file, path.join(out, rel));
      const result = await swc.transformFile(file, options(file));
      fs.writeFileSync(target, result.code + `\n//# sourceMappingURL=${path.basename(target)}.map`);
      if (result.map) fs.writeFileSync(target + '.map', result.map);
    }),
  );
  console.log(`build: ${files.length} files to dist/ in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

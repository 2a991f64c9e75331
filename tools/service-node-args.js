#!/usr/bin/env node
// The Node.js options every service runs with, in one place: tools/run-services.js
// (npm start), libs/testing/src/stack.ts (e2e, bench) and the Dockerfile (which writes
// them to dist/service-node-args at build time: `node tools/service-node-args.js`).
//
// Why (Issue 8: each service under 256 MB resident, throughout a benchmark run). Without
// limits V8 sizes the heap for this machine (a 4 GB old-space limit on 24 GB) and lets
// it grow lazily under load; measured, a service's live heap after a full GC is 45-60 MB
// and its resident set about 75 MB more than its heap (the node binary ~50 MB, malloc).
//   --max-semi-space-size=8   the young generation is 2 x 16 MB by default, all of it
//                             resident once touched; 2 x 8 MB costs a few more
//                             scavenges (cheap: little of it survives).
//   --max-old-space-size=128  over twice the live heap; V8 collects sooner instead of
//                             growing towards gigabytes, so heap + rest stays under 256.
//                             Raise it (and the 256 MB budget) if a service's live heap
//                             grows, e.g. a much larger Kafka fetch or batch size.
//   --require own-source-maps TypeScript lines in our stack traces without reading the
//                             source maps packages ship (instead of --enable-source-maps,
//                             which kept ~10 MB of TypeORM's maps in every heap).
const path = require('path');

function serviceNodeArgs(root = '.') {
  const preload = path.join(root, 'dist/libs/platform/src/logging/own-source-maps.js');
  return [
    '--max-old-space-size=128',
    '--max-semi-space-size=8',
    '--require',
    // A relative path must start with ./ (or --require looks for a package).
    path.isAbsolute(preload) ? preload : `./${preload}`,
  ];
}

module.exports = { serviceNodeArgs };

// `node tools/service-node-args.js [root]` prints them, space-separated (for a shell).
if (require.main === module) process.stdout.write(serviceNodeArgs(process.argv[2] ?? '.').join(' ') + '\n');

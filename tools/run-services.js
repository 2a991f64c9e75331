#!/usr/bin/env node
// Runs the four services from dist/ as child processes, prefixes their log lines,
// waits until each answers /health/ready, restarts one that exits (service-supervisor.js)
// and on Ctrl-C (or SIGTERM) stops them all gracefully. Used by `npm start`; the e2e
// suite has its own launcher in libs/testing.
const path = require('path');
const { serviceNodeArgs } = require('./service-node-args');
const { superviseServices } = require('./service-supervisor');

const root = path.resolve(__dirname, '..');
const SERVICES = [
  { name: 'referral', port: 3001 },
  { name: 'provider-scheduling', port: 3002 },
  { name: 'outcome', port: 3003 },
  { name: 'notification', port: 3004 },
];
const colours = [36, 35, 33, 32];

function prefixLines(name, colour, stream, target) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) target.write(`\x1b[${colour}m${name.padEnd(20)}\x1b[0m ${line}\n`);
  });
}

async function waitReady(port, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

const supervisor = superviseServices(
  SERVICES.map((s) => {
    s.port = Number(process.env[`${s.name.toUpperCase().replace('-', '_')}_PORT`] || s.port);
    return {
      name: s.name,
      command: process.execPath,
      args: [...serviceNodeArgs(root), path.join(root, 'dist/services', s.name, 'src/main.js')],
      env: { ...process.env, PORT: String(s.port) },
    };
  }),
  { output: (name, stream, target) => prefixLines(name, colours[SERVICES.findIndex((s) => s.name === name)], stream, target) },
);

let stopping = false;
function stopAll() {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping services…');
  supervisor.stop().then(() => process.exit(0));
}

process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

(async () => {
  const deadline = Date.now() + 90000;
  const ready = await Promise.all(SERVICES.map((s) => waitReady(s.port, deadline)));
  if (ready.every(Boolean)) {
    console.log('\nDrug Diversion Platform is up:');
    for (const s of SERVICES) console.log(`  ${s.name.padEnd(20)} http://127.0.0.1:${s.port}  (OpenAPI: /docs, health: /health/ready)`);
    console.log('Post an encounter: see README "Try it". Ctrl-C stops everything.\n');
  } else {
    console.error('some services did not become ready in 90 s:', SERVICES.filter((_, i) => !ready[i]).map((s) => s.name).join(', '));
  }
})();

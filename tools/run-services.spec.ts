import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/*
 * `npm start`'s supervisor (tools/run-services.js, unchanged) over four stand-in services
 * laid out where it looks for the real ones: each answers /health/ready with its pid.
 */

const SERVICES = ['referral', 'provider-scheduling', 'outcome', 'notification'];
const STAND_IN = `
const http = require('http');
http.createServer((req, res) => res.end(JSON.stringify({ pid: process.pid }))).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function pidAt(port: number): Promise<number | null> {
  try {
    return ((await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as { pid: number }).pid;
  } catch {
    return null;
  }
}

async function until<T>(what: () => Promise<T | null | false>, label: string, ms = 20000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start (tools/run-services.js)', () => {
  let root: string;
  let supervisor: ChildProcess;
  let output = '';

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'run-services-'));
    mkdirSync(path.join(root, 'tools'));
    for (const file of ['run-services.js', 'service-supervisor.js', 'service-node-args.js']) copyFileSync(path.join(__dirname, file), path.join(root, 'tools', file));
    mkdirSync(path.join(root, 'dist/libs/platform/src/logging'), { recursive: true });
    writeFileSync(path.join(root, 'dist/libs/platform/src/logging/own-source-maps.js'), '');
    for (const name of SERVICES) {
      mkdirSync(path.join(root, 'dist/services', name, 'src'), { recursive: true });
      writeFileSync(path.join(root, 'dist/services', name, 'src/main.js'), STAND_IN);
    }
  });

  afterAll(() => {
    if (supervisor?.exitCode === null) supervisor.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('restarts a service killed with SIGKILL, says so, and leaves the others running', async () => {
    const ports: Record<string, number> = {};
    for (const name of SERVICES) ports[name] = await freePort();
    const env = { ...process.env, ...Object.fromEntries(SERVICES.map((name) => [`${name.toUpperCase().replace('-', '_')}_PORT`, String(ports[name])])) };
    supervisor = spawn(process.execPath, [path.join(root, 'tools/run-services.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    supervisor.stdout!.on('data', (chunk) => (output += chunk));
    supervisor.stderr!.on('data', (chunk) => (output += chunk));
    await until(async () => output.includes('Drug Diversion Platform is up'), 'the services to be ready');
    const before = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await pidAt(ports[name])])));

    process.kill(before.notification, 'SIGKILL');
    const after = await until(async () => {
      const pid = await pidAt(ports.notification);
      return pid !== null && pid !== before.notification && pid;
    }, 'the notification service to come back');

    expect(after).not.toBe(before.notification);
    expect(output).toMatch(/notification exited \(SIGKILL\).*restarting it in 1 s/);
    for (const name of SERVICES.filter((n) => n !== 'notification')) expect(await pidAt(ports[name])).toBe(before[name]);
    expect(supervisor.exitCode).toBeNull();

    const exited = new Promise((resolve) => supervisor.once('exit', resolve));
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const name of SERVICES) expect(await pidAt(ports[name])).toBeNull();
  });
});

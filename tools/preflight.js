#!/usr/bin/env node
// Checks what `npm start` and `npm test` need before they start anything, and stops with one
// line per problem and how to fix it (instead of a stack trace from deep inside a step):
// Node.js, Java and Maven (for the Kafka broker, unless KAFKA_BROKERS names one), PostgreSQL
// (reachable, and whether it wants a password), Redis, the ports the local run listens on,
// and free disk. Plain Node.js with no dependencies: it runs before `npm install`.
//   node tools/preflight.js start|test
// The checks take their probes (commands, ports, disk) as arguments, so tools/preflight.spec.ts
// can play each refusal.
const { spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const root = path.resolve(__dirname, '..');
const GB = 1024 ** 3;
/** Free disk each run needs: the Kafka jars (~100 MB), dist/, the broker's and databases' data, test reports. */
const DISK_NEEDED = { start: 1 * GB, test: 2 * GB };

const versionAtLeast = (version, minimum) => {
  const [a, b] = [version, minimum].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  return true;
};

/** The probes the checks use on a real machine. */
const machine = {
  nodeVersion: () => process.versions.node,
  /** Runs a command; { ok, output } (stdout and stderr), ok false when it is missing too. */
  run(command, args, env) {
    const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15_000 });
    return { ok: !result.error && result.status === 0, missing: result.error?.code === 'ENOENT', output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  },
  has: (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0,
  portOpen: (host, port) =>
    new Promise((resolve) => {
      const socket = net.connect({ host, port, timeout: 1000 });
      const done = (open) => {
        socket.destroy();
        resolve(open);
      };
      socket.once('connect', () => done(true));
      socket.once('timeout', () => done(false));
      socket.once('error', () => done(false));
    }),
  freeDiskBytes: (dir) => {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  },
  exists: (file) => fs.existsSync(file),
};

function nodeCheck(probe) {
  const wanted = require(path.join(root, 'package.json')).engines.node.replace(/^>=\s*/, '');
  const have = probe.nodeVersion();
  return versionAtLeast(have, wanted) ? [] : [`Node.js ${have} is too old: install Node.js ${wanted} or newer (e.g. nvm install 20)`];
}

function kafkaToolsCheck(probe, env) {
  if (env.KAFKA_BROKERS) return [];
  const problems = [];
  const java = probe.run('java', ['-version']);
  const javaVersion = /version "(\d+)(?:\.(\d+))?/.exec(java.output);
  const major = javaVersion ? (javaVersion[1] === '1' ? Number(javaVersion[2]) : Number(javaVersion[1])) : 0;
  if (!java.ok) problems.push('Java is not installed (the local Kafka broker needs it): install a JDK 17 (e.g. apt-get install openjdk-17-jre-headless), or set KAFKA_BROKERS to a running cluster');
  else if (major < 17) problems.push(`Java ${major || '?'} is too old for the local Kafka broker: install Java 17 or newer, or set KAFKA_BROKERS to a running cluster`);
  const jarsFetched = probe.exists(path.join(root, 'infra/kafka/libs/kafka_2.13-3.9.1.jar'));
  if (!jarsFetched && !probe.run('mvn', ['-v']).ok) problems.push('Maven is not installed (it fetches the Kafka jars on the first run): install Maven (e.g. apt-get install maven), or set KAFKA_BROKERS to a running cluster');
  return problems;
}

/** Where the services' databases are: the DATABASE_* settings (libs/platform/src/config/database-url.ts). */
function databaseSettings(env) {
  return { host: env.DATABASE_HOST || '127.0.0.1', port: Number(env.DATABASE_PORT || 5432), user: env.DATABASE_USER || 'postgres', password: env.DATABASE_PASSWORD };
}

async function postgresCheck(probe, env) {
  if (env.DATABASE_URL) return []; // one URL for every service is the test helpers' business, not this check's
  const db = databaseSettings(env);
  const where = `PostgreSQL at ${db.host}:${db.port}`;
  const local = db.host === '127.0.0.1' || db.host === 'localhost';
  if (!(await probe.portOpen(db.host, db.port))) {
    // tools/infra.sh starts a local server with the machine's own pg_ctlcluster.
    if (local && probe.has('pg_ctlcluster') && probe.exists('/etc/postgresql')) return [];
    return [`${where} is not answering: start it (e.g. sudo service postgresql start), or set DATABASE_HOST and DATABASE_PORT to where it runs`];
  }
  const psql = probe.run('psql', ['-h', db.host, '-p', String(db.port), '-U', db.user, '-d', 'postgres', '-w', '-tAc', 'SELECT 1'], db.password ? { PGPASSWORD: db.password } : {});
  if (psql.missing) return ['psql is not installed (npm start creates the databases with it): install the PostgreSQL client (e.g. apt-get install postgresql-client)'];
  if (psql.ok) return [];
  if (/password authentication failed/i.test(psql.output)) return [`${where} refused the password of user ${db.user}: set DATABASE_USER and DATABASE_PASSWORD to an account that may create databases`];
  if (/no password supplied|password is required/i.test(psql.output)) return [`${where} authenticates with a password (user ${db.user}): set DATABASE_PASSWORD (and DATABASE_USER) to an account that may create databases`];
  if (/role .* does not exist/i.test(psql.output)) return [`${where} has no user ${db.user}: set DATABASE_USER (and DATABASE_PASSWORD) to an account that may create databases`];
  if (/peer authentication failed|ident authentication failed/i.test(psql.output)) return [`${where} accepts ${db.user} only from the same operating-system user (peer): set DATABASE_PASSWORD for a password login, or allow "trust"/"md5" for 127.0.0.1 in pg_hba.conf`];
  return [`${where} refused a connection as ${db.user}: ${psql.output.trim().split('\n')[0]}`];
}

async function redisCheck(probe, env) {
  const url = new URL(env.REDIS_URL || 'redis://127.0.0.1:6379');
  const port = Number(url.port || 6379);
  if (await probe.portOpen(url.hostname, port)) return [];
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (local && probe.has('redis-server')) return []; // tools/infra.sh starts it
  return [`Redis at ${url.hostname}:${port} is not answering${local ? ' and redis-server is not installed' : ''}: install and start Redis (e.g. apt-get install redis-server), or set REDIS_URL to where it runs`];
}

/** The ports the local run listens on: the four services and the local outbox (tools/local-run.js). */
function localRunPorts(env) {
  const { LOCAL_OUTBOX } = require('./local-run');
  const services = { referral: 3001, 'provider-scheduling': 3002, outcome: 3003, notification: 3004 };
  return [
    ...Object.entries(services).map(([name, port]) => ({ what: `the ${name} service`, port: Number(env[`${name.toUpperCase().replace('-', '_')}_PORT`] || port) })),
    { what: "the local outbox's SMTP server", port: LOCAL_OUTBOX.smtpPort },
    { what: "the local outbox's page", port: LOCAL_OUTBOX.pagePort },
    { what: "the local outbox's Notify stand-in", port: LOCAL_OUTBOX.notifyPort },
    { what: "the local outbox's webhook receiver", port: LOCAL_OUTBOX.webhookPort },
  ];
}

async function portsCheck(probe, env) {
  const problems = [];
  for (const { what, port } of localRunPorts(env)) {
    if (await probe.portOpen('127.0.0.1', port)) problems.push(`port ${port} (${what}) is taken: stop what listens there (is another npm start running? lsof -i :${port})`);
  }
  return problems;
}

function diskCheck(probe, mode) {
  const free = probe.freeDiskBytes(root);
  const needed = DISK_NEEDED[mode];
  return free >= needed ? [] : [`only ${(free / GB).toFixed(1)} GB free on the disk of ${root}; ${mode === 'test' ? 'npm test' : 'npm start'} needs ${needed / GB} GB: free some space`];
}

/** Every problem found, each one line with its fix; [] when the machine is ready. */
async function preflight(mode, env = process.env, probe = machine) {
  return [
    ...nodeCheck(probe),
    ...kafkaToolsCheck(probe, env),
    ...(await postgresCheck(probe, env)),
    ...(await redisCheck(probe, env)),
    ...(await portsCheck(probe, env)),
    ...diskCheck(probe, mode),
  ];
}

module.exports = { preflight, machine };

if (require.main === module) {
  const mode = process.argv[2] === 'test' ? 'test' : 'start';
  preflight(mode).then((problems) => {
    const db = databaseSettings(process.env);
    const login = process.env.DATABASE_URL ? 'DATABASE_URL' : `${db.user}@${db.host}:${db.port}, ${db.password ? 'with DATABASE_PASSWORD' : 'no password'}`;
    if (!problems.length) return console.error(`preflight: ready (Node.js ${process.versions.node}, PostgreSQL ${login})`);
    for (const problem of problems) console.error(`preflight: ${problem}`);
    console.error(`preflight: ${problems.length} problem${problems.length === 1 ? '' : 's'}; npm ${mode} did not start anything`);
    process.exit(1);
  });
}

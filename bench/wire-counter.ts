/**
 * Preloaded into each service by `npm run bench:work` (`node --require`), never in production:
 * counts what the process sends over its sockets, so the work per encounter can be read as
 * round trips and requests, which do not move with the machine's noise as timings do.
 *
 * - Postgres (port 5432): round trips (each Sync or simple Query message) and statements
 *   executed (Bind, by statement text; Parse texts remembered per named statement).
 * - Kafka (9092): requests by API.
 * - Redis (6379): socket writes (a command, or a pipeline of them, per write).
 * - HTTP: requests sent and received (diagnostics channels).
 * - CPU of the process (process.cpuUsage).
 *
 * On SIGUSR2 it writes the counts to `$WIRE_COUNT_DIR/<service>.json` (synchronously, so
 * the file is complete when the signal's sender sees it change).
 */
import diagnostics from 'node:diagnostics_channel';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const POSTGRES_PORT = Number(process.env.WIRE_COUNT_POSTGRES_PORT ?? 5432);
const KAFKA_PORT = Number(process.env.WIRE_COUNT_KAFKA_PORT ?? 9092);
const REDIS_PORT = Number(process.env.WIRE_COUNT_REDIS_PORT ?? 6379);
const KAFKA_APIS: Record<number, string> = {
  0: 'Produce', 1: 'Fetch', 2: 'ListOffsets', 3: 'Metadata', 8: 'OffsetCommit', 9: 'OffsetFetch', 10: 'FindCoordinator',
  11: 'JoinGroup', 12: 'Heartbeat', 13: 'LeaveGroup', 14: 'SyncGroup', 18: 'ApiVersions', 19: 'CreateTopics', 22: 'InitProducerId',
};

export interface WireCounts {
  service: string;
  pid: number;
  /** process.cpuUsage() user + system, ms. */
  cpuMs: number;
  at: number;
  postgres: { roundTrips: number; statements: number; parses: number; byStatement: Record<string, number> };
  kafka: { requests: number; byApi: Record<string, number> };
  redis: { writes: number };
  http: { requestsOut: number; requestsIn: number };
}

const service = /dist\/services\/([^/]+)\//.exec(process.argv[1] ?? '')?.[1] ?? `pid-${process.pid}`;
const counts: WireCounts = {
  service, pid: process.pid, cpuMs: 0, at: 0,
  postgres: { roundTrips: 0, statements: 0, parses: 0, byStatement: {} },
  kafka: { requests: 0, byApi: {} },
  redis: { writes: 0 },
  http: { requestsOut: 0, requestsIn: 0 },
};

/** Per Postgres connection: whether its startup message went (it has no type byte) and its named statements. */
const pgState = new WeakMap<net.Socket, { started: boolean; named: Map<string, string> }>();

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 160);
}

function cString(buf: Buffer, at: number): [string, number] {
  const end = buf.indexOf(0, at);
  return [buf.toString('utf8', at, end), end + 1];
}

function countPostgres(socket: net.Socket, buf: Buffer): void {
  let state = pgState.get(socket);
  if (!state) pgState.set(socket, (state = { started: false, named: new Map() }));
  let at = 0;
  if (!state.started) {
    // The startup (or SSL request) message: length, then no type byte.
    state.started = true;
    at = buf.readInt32BE(0);
  }
  // The unnamed statement of the current Parse, for the Bind that follows it.
  let unnamed = '';
  while (at + 5 <= buf.length) {
    const type = String.fromCharCode(buf[at]);
    const length = buf.readInt32BE(at + 1);
    const body = at + 5;
    if (type === 'S') counts.postgres.roundTrips++;
    else if (type === 'Q') {
      counts.postgres.roundTrips++;
      counts.postgres.statements++;
      const [sql] = cString(buf, body);
      const key = oneLine(sql);
      counts.postgres.byStatement[key] = (counts.postgres.byStatement[key] ?? 0) + 1;
    } else if (type === 'P') {
      counts.postgres.parses++;
      const [name, next] = cString(buf, body);
      const [sql] = cString(buf, next);
      if (name) state.named.set(name, sql);
      else unnamed = sql;
    } else if (type === 'B') {
      counts.postgres.statements++;
      const [, next] = cString(buf, body); // portal
      const [name] = cString(buf, next);
      const key = oneLine(name ? (state.named.get(name) ?? `(statement ${name})`) : unnamed);
      counts.postgres.byStatement[key] = (counts.postgres.byStatement[key] ?? 0) + 1;
    }
    at += 1 + length;
  }
}

function count(socket: net.Socket, chunk: unknown): void {
  if (!Buffer.isBuffer(chunk) && typeof chunk !== 'string') return;
  const port = socket.remotePort;
  if (port === POSTGRES_PORT && Buffer.isBuffer(chunk)) countPostgres(socket, chunk);
  else if (port === KAFKA_PORT && Buffer.isBuffer(chunk) && chunk.length >= 6) {
    const api = KAFKA_APIS[chunk.readInt16BE(4)] ?? `api-${chunk.readInt16BE(4)}`;
    counts.kafka.requests++;
    counts.kafka.byApi[api] = (counts.kafka.byApi[api] ?? 0) + 1;
  } else if (port === REDIS_PORT) counts.redis.writes++;
}

const write = net.Socket.prototype.write;
net.Socket.prototype.write = function countedWrite(this: net.Socket, chunk: unknown, ...rest: unknown[]) {
  try {
    count(this, chunk);
  } catch {
    // A count must never break the service it measures.
  }
  return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
} as typeof net.Socket.prototype.write;

diagnostics.subscribe('http.client.request.start', () => counts.http.requestsOut++);
diagnostics.subscribe('http.server.request.start', () => counts.http.requestsIn++);

const dir = process.env.WIRE_COUNT_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  process.on('SIGUSR2', () => {
    const cpu = process.cpuUsage();
    counts.cpuMs = (cpu.user + cpu.system) / 1000;
    counts.at = Date.now();
    writeFileSync(path.join(dir, `${service}.json`), JSON.stringify(counts));
  });
}

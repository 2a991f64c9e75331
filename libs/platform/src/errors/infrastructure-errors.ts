import { errorChain } from './error-chain';

/**
 * Telling "a dependency is unavailable" (Postgres restarting, Redis or the Kafka broker
 * gone) from "this message cannot be handled". The first is no fault of the message:
 * consumers wait it out instead of spending the message's retry budget and
 * dead-lettering it. Only what is certainly an outage is classified as one; anything
 * else stays an ordinary (counted) failure.
 */

export type Dependency = 'postgres' | 'redis' | 'kafka' | 'network';

export interface InfrastructureOutage {
  dependency: Dependency;
  /** Short and log-safe, e.g. "postgres: ECONNREFUSED 127.0.0.1:5432". */
  reason: string;
}

/** Socket errors of a connection that failed or broke: never a property of a message. */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs of a server that is going away or not accepting connections yet: class 08
 * (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
 */
const POSTGRES_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03']);

/** Messages of node-postgres (client and pool) when the connection is lost or cannot be made. */
const POSTGRES_CONNECTION_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/** ioredis: the connection closed under a command, or reconnecting outlasted maxRetriesPerRequest. */
const REDIS_CONNECTION_MESSAGES = [/^Connection is closed\.$/, /^Stream isn't writeable and enableOfflineQueue options is false$/];

/** kafkajs errors raised when the broker cannot be reached or a request got no answer. */
const KAFKA_UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSGroupCoordinatorNotFound',
]);

/** Broker answers that mean "not now" (leaders moving, a broker starting), not "never". */
const KAFKA_UNAVAILABLE_PROTOCOL_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REQUEST_TIMED_OUT',
  'BROKER_NOT_AVAILABLE',
  'NETWORK_EXCEPTION',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'KAFKA_STORAGE_ERROR',
]);

const WELL_KNOWN_PORTS: Record<number, Dependency> = { 5432: 'postgres', 6379: 'redis', 9092: 'kafka' };

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  port?: unknown;
  address?: unknown;
}

/**
 * The outage behind `error`, or null when it is an ordinary failure. Looks through the
 * errors wrapped around the original one (errorChain).
 */
export function infrastructureOutage(error: unknown): InfrastructureOutage | null {
  for (const e of errorChain(error)) {
    const outage = classifyOne(e as ErrorShape);
    if (outage) return outage;
  }
  return null;
}

export function isInfrastructureOutage(error: unknown): boolean {
  return infrastructureOutage(error) !== null;
}

function classifyOne(e: ErrorShape): InfrastructureOutage | null {
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : '';

  if (name === 'MaxRetriesPerRequestError') return { dependency: 'redis', reason: `redis: ${message}` };
  if (REDIS_CONNECTION_MESSAGES.some((m) => m.test(message))) return { dependency: 'redis', reason: `redis: ${message}` };

  if (name.startsWith('KafkaJS')) {
    if (KAFKA_UNAVAILABLE_NAMES.has(name)) return { dependency: 'kafka', reason: `kafka: ${name}: ${message}` };
    if (typeof e.type === 'string' && KAFKA_UNAVAILABLE_PROTOCOL_TYPES.has(e.type)) return { dependency: 'kafka', reason: `kafka: ${e.type}` };
    // Others (e.g. KafkaJSNumberOfRetriesExceeded) are judged by their cause.
    return null;
  }

  // A SQLSTATE is five characters; class 08 and the 57P0x shutdowns mean the server is unavailable.
  if (/^[0-9A-Z]{5}$/.test(code) && (code.startsWith('08') || POSTGRES_UNAVAILABLE_STATES.has(code))) {
    return { dependency: 'postgres', reason: `postgres: SQLSTATE ${code}: ${message}` };
  }
  if (POSTGRES_CONNECTION_MESSAGES.some((m) => m.test(message))) return { dependency: 'postgres', reason: `postgres: ${message}` };

  if (CONNECTION_ERROR_CODES.has(code)) {
    const port = typeof e.port === 'number' ? e.port : portIn(message);
    const dependency = (port !== undefined && WELL_KNOWN_PORTS[port]) || 'network';
    const where = typeof e.address === 'string' && port !== undefined ? ` ${e.address}:${port}` : '';
    return { dependency, reason: `${dependency}: ${code}${where}` };
  }
  return null;
}

function portIn(message: string): number | undefined {
  const match = /:(\d{2,5})\b/.exec(message);
  return match ? Number(match[1]) : undefined;
}

import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { Kafka, KafkaJSNonRetriableError, KafkaJSProtocolError, logLevel } from 'kafkajs';
import { Client, DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { PermanentError } from './errors';
import { infrastructureOutage, isInfrastructureOutage } from './infrastructure-errors';

/*
 * The errors are the real ones: raised by pg, ioredis and kafkajs against a port nobody
 * listens on or a server that hangs up, or built with the libraries' own classes.
 */

const CLOSED_PORT = 1;

function databaseError(code: string, message: string): DatabaseError {
  const error = new DatabaseError(message, 100, 'error');
  error.code = code;
  return error;
}

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** A TCP server that accepts a connection and hangs up at once (a server going away). */
async function hangingUpServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('infrastructureOutage', () => {
  describe('Postgres unavailable', () => {
    it('a refused connection (pg)', async () => {
      const error = await caught(() => new Client({ host: '127.0.0.1', port: CLOSED_PORT, connectionTimeoutMillis: 2000 }).connect());
      expect(infrastructureOutage(error)).toMatchObject({ reason: expect.stringContaining('ECONNREFUSED') });
    });

    it('a server that hangs up: "Connection terminated unexpectedly"', async () => {
      const { server, port } = await hangingUpServer();
      try {
        const error = await caught(() => new Client({ host: '127.0.0.1', port, connectionTimeoutMillis: 2000 }).connect());
        expect((error as Error).message).toMatch(/Connection terminated|ECONNRESET/);
        expect(isInfrastructureOutage(error)).toBe(true);
      } finally {
        server.close();
      }
    });

    it.each([
      ['57P01', 'terminating connection due to administrator command'],
      ['57P02', 'terminating connection due to crash of another server process'],
      ['57P03', 'the database system is starting up'],
      ['08006', 'connection failure'],
      ['08001', 'sqlclient unable to establish sqlconnection'],
    ])('SQLSTATE %s, also wrapped by TypeORM', (code, message) => {
      const driverError = databaseError(code, message);
      expect(infrastructureOutage(driverError)).toEqual({ dependency: 'postgres', reason: `postgres: SQLSTATE ${code}: ${message}` });
      expect(infrastructureOutage(new QueryFailedError('INSERT INTO x VALUES ($1)', [1], driverError))?.dependency).toBe('postgres');
    });

    it('a well-known port names its dependency', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 5432 });
      expect(infrastructureOutage(refused)).toEqual({ dependency: 'postgres', reason: 'postgres: ECONNREFUSED 127.0.0.1:5432' });
      expect(infrastructureOutage(new Error('wrapped', { cause: refused }))?.dependency).toBe('postgres');
    });
  });

  describe('Redis unavailable', () => {
    it('reconnecting outlasts maxRetriesPerRequest (ioredis MaxRetriesPerRequestError)', async () => {
      const redis = new Redis({ host: '127.0.0.1', port: CLOSED_PORT, maxRetriesPerRequest: 1, retryStrategy: () => 20, lazyConnect: false });
      redis.on('error', () => undefined);
      try {
        const error = await caught(() => redis.get('k'));
        expect((error as Error).name).toBe('MaxRetriesPerRequestError');
        expect(infrastructureOutage(error)?.dependency).toBe('redis');
      } finally {
        redis.disconnect();
      }
    });

    it('a command on a closed connection: "Connection is closed."', async () => {
      const redis = new Redis({ host: '127.0.0.1', port: CLOSED_PORT, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
      redis.on('error', () => undefined);
      redis.disconnect();
      const error = await caught(() => redis.get('k'));
      expect(isInfrastructureOutage(error)).toBe(true);
    });
  });

  describe('Kafka unavailable', () => {
    it('no broker to connect to (kafkajs, after its retries)', async () => {
      const kafka = new Kafka({ brokers: [`127.0.0.1:${CLOSED_PORT}`], retry: { retries: 0 }, connectionTimeout: 1000, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      const error = await caught(() => producer.connect());
      expect((error as Error).name).toMatch(/^KafkaJS/);
      expect(infrastructureOutage(error)?.dependency).toBe('kafka');
    });

    it('a broker answering "leader not available"', () => {
      const error = new KafkaJSProtocolError({ type: 'LEADER_NOT_AVAILABLE', code: 5, retriable: true, message: 'There is no leader for this topic-partition' } as never);
      expect(infrastructureOutage(error)).toEqual({ dependency: 'kafka', reason: 'kafka: LEADER_NOT_AVAILABLE' });
    });
  });

  describe('ordinary failures (they count towards the dead letter)', () => {
    it.each<[string, unknown]>([
      ['a bug in a handler', new TypeError("Cannot read properties of undefined (reading 'referralId')")],
      ['a refused business rule', new PermanentError('illegal transition')],
      ['a unique violation', databaseError('23505', 'duplicate key value violates unique constraint "x"')],
      ['a missing table', new QueryFailedError('SELECT 1 FROM nope', [], databaseError('42P01', 'relation "nope" does not exist'))],
      ['a serialization failure', databaseError('40001', 'could not serialize access')],
      ['a message too large for Kafka', new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'too large' } as never)],
      ['a kafkajs non-retriable error', new KafkaJSNonRetriableError('bad request')],
      ['not an error at all', 'a string'],
      ['nothing', undefined],
    ])('%s', (_what, error) => {
      expect(infrastructureOutage(error)).toBeNull();
    });

    it('a cause chain that loops does not hang', () => {
      const a = new Error('a') as Error & { cause?: unknown };
      const b = new Error('b', { cause: a });
      a.cause = b;
      expect(infrastructureOutage(a)).toBeNull();
    });
  });
});

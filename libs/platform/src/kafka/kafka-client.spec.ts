import { readFileSync } from 'node:fs';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Producer } from 'kafkajs';
import { isProducerSessionLost, kafkaSecurity, SelfHealingProducer } from './kafka-client';

/** The error kafkajs raises when the broker lost the idempotent producer's state (e.g. after a restart). */
const sequenceLost = () =>
  new KafkaJSProtocolError({ type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', code: 45, retriable: false, message: 'The broker received an out of order sequence number' } as never);

function fakeProducer(sends: Array<() => Promise<unknown>>) {
  const producer = {
    connected: false,
    disconnected: false,
    sent: 0,
    connect: async () => {
      producer.connected = true;
    },
    disconnect: async () => {
      producer.disconnected = true;
    },
    send: async () => {
      producer.sent++;
      const next = sends.shift();
      return next ? next() : [{ topicName: 't', partition: 0, errorCode: 0 }];
    },
    sendBatch: async () => producer.send(),
  };
  return producer;
}

describe('SelfHealingProducer', () => {
  it('replaces a producer whose session the broker lost and sends again on the new one', async () => {
    const first = fakeProducer([async () => Promise.reject(sequenceLost()), async () => Promise.reject(sequenceLost())]);
    const second = fakeProducer([]);
    const built = [first, second];
    const producer = new SelfHealingProducer(() => built.shift() as unknown as Producer);
    await producer.connect();

    // Two sends fail at once on the old producer: one replacement serves both.
    const results = await Promise.all([producer.send({ topic: 't', messages: [{ value: 'a' }] }), producer.sendBatch({ topicMessages: [] })]);
    expect(results).toHaveLength(2);
    expect(first.disconnected).toBe(true);
    expect(second.connected).toBe(true);
    expect(second.sent).toBe(2);
    expect(built).toEqual([]);
  });

  it('lets other failures through (kafkajs retries and reconnects on its own)', async () => {
    const first = fakeProducer([async () => Promise.reject(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'))]);
    let builds = 0;
    const producer = new SelfHealingProducer(() => {
      builds++;
      return first as unknown as Producer;
    });
    await producer.connect();
    await expect(producer.send({ topic: 't', messages: [] })).rejects.toThrow('ECONNREFUSED');
    expect(builds).toBe(1);
    expect(first.disconnected).toBe(false);
  });

  it('recognises a lost session under kafkajs retry wrappers', () => {
    expect(isProducerSessionLost(new KafkaJSNumberOfRetriesExceeded(sequenceLost(), { retryCount: 5, retryTime: 100 }))).toBe(true);
    expect(isProducerSessionLost(new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'x' } as never))).toBe(false);
  });
});

describe('kafkaSecurity', () => {
  it('adds nothing for the plaintext broker', () => {
    expect(kafkaSecurity({ KAFKA_SECURITY_PROTOCOL: 'plaintext', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toEqual({});
  });

  it('logs in with SCRAM over TLS, trusting the given CA', () => {
    const settings = kafkaSecurity({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'outcome', KAFKA_SASL_PASSWORD: 'pw', KAFKA_SSL_CA_FILE: __filename });
    expect(settings).toEqual({ ssl: { ca: [readFileSync(__filename, 'utf8')] }, sasl: { mechanism: 'scram-sha-512', username: 'outcome', password: 'pw' } });
  });
});

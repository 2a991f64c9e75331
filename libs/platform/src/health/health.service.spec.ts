import { ConsumerRegistry } from '../consumer-registry';
import type { EventConsumerServer } from '../kafka/event-consumer.server';
import { HealthService } from './health.service';

const consumerIn = (state: string, lastCrash: string | null = null) => {
  const registry = new ConsumerRegistry();
  registry.server = { health: { state, lastCrash } } as unknown as EventConsumerServer;
  return registry;
};

describe('HealthService', () => {
  const checks = [{ name: 'database', check: async () => undefined }, { name: 'kafka', check: async () => ({ brokers: 1 }) }];

  it('is ready when every check passes and the consumer is fetching', async () => {
    expect(await new HealthService(checks, consumerIn('ready')).check()).toEqual({
      status: 'ok', components: { database: { status: 'ok' }, kafka: { status: 'ok', brokers: 1 } },
    });
  });

  it('is not ready while the consumer is down, although the broker answers', async () => {
    const report = await new HealthService(checks, consumerIn('restarting', 'KafkaJSNumberOfRetriesExceeded: broker gone')).check();
    expect(report.status).toBe('down');
    expect(report.components.kafka).toEqual({ status: 'down', error: 'consumer restarting (last crash: KafkaJSNumberOfRetriesExceeded: broker gone)', brokers: 1 });
  });

  it('a service without a consumer is judged by its checks alone', async () => {
    expect((await new HealthService(checks, new ConsumerRegistry()).check()).status).toBe('ok');
  });
});

import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock, JsonLogger, RedisLossWatch, SERVICE_CONFIG, createJobWorker, promoteDueJobsWhenClockMoves } from '@ddp/platform';
import type { Worker } from 'bullmq';
import { CHANNEL_ADAPTERS, type ChannelAdapters } from '../channels/channel-adapter';
import { deliveryRateLimits, type NotificationConfig } from '../notification.config';
import { CHANNELS } from '../templates/catalogue';
import { DeliveryProcessor } from './delivery.processor';
import { DeliveryQueues, queueName, type DeliveryJobData } from './delivery-queues';
import { JobDispatcher } from './job-dispatcher';

/**
 * Starts a worker per channel queue and the job dispatcher once the application (and
 * its migrated database) is up; stops them before the database and Redis close, letting
 * jobs in flight finish. When Redis is found to have lost its data, the dispatcher
 * re-adds the job of every pending notification (RedisLossWatch).
 */
@Injectable()
export class DeliveryRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private workers: Worker<DeliveryJobData>[] = [];
  // Idempotent start and stop: a hybrid app may run lifecycle hooks from more than one place.
  private started = false;
  private stopping: Promise<void> | null = null;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(DeliveryQueues) private readonly queues: DeliveryQueues,
    @Inject(DeliveryProcessor) private readonly processor: DeliveryProcessor,
    @Inject(JobDispatcher) private readonly dispatcher: JobDispatcher,
    @Inject(CHANNEL_ADAPTERS) private readonly adapters: ChannelAdapters,
    @Inject(RedisLossWatch) private readonly redisLossWatch: RedisLossWatch,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const limits = deliveryRateLimits(this.config);
    this.workers = CHANNELS.map((channel) => {
      const limit = limits[channel];
      return createJobWorker<DeliveryJobData, string>(queueName(channel), (job, token) => this.processor.process(channel, job, token), this.config, this.logger, 'DeliveryRuntime', {
        concurrency: this.config.DELIVERY_CONCURRENCY,
        // Shared through Redis: the limit holds across replicas. Only a worker with a limiter obeys a pause (queue.rateLimit).
        ...(limit ? { limiter: { max: limit.max, duration: limit.durationMs } } : {}),
      });
    });
    promoteDueJobsWhenClockMoves(this.clock, this.queues.all());
    this.redisLossWatch.register('notification deliveries', () => this.dispatcher.resync());
    await this.dispatcher.start();
  }

  onModuleDestroy(): Promise<void> {
    return (this.stopping ??= (async () => {
      await this.dispatcher.stop();
      await Promise.all(this.workers.map((w) => w.close()));
      await this.queues.close();
      await Promise.all(Object.values(this.adapters).map((a) => a?.close?.()));
    })());
  }
}

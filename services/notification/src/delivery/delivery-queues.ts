import { Inject, Injectable } from '@nestjs/common';
import { JsonLogger, SERVICE_CONFIG, createJobQueue } from '@ddp/platform';
import type { JobsOptions, Queue } from 'bullmq';
import type { NotificationConfig } from '../notification.config';
import { CHANNELS, type Channel } from '../templates/catalogue';

/** What a delivery job carries: the notification id (the row is reloaded) and when it is due. */
export interface DeliveryJobData {
  notificationId: string;
  dueAt: string;
}

export const queueName = (channel: Channel) => `notification-${channel}`;

/** One BullMQ queue per channel, so a slow or failing channel never holds up another. */
@Injectable()
export class DeliveryQueues {
  readonly byChannel: Record<Channel, Queue<DeliveryJobData>>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(JsonLogger) logger: JsonLogger,
  ) {
    this.byChannel = Object.fromEntries(
      CHANNELS.map((channel) => [channel, createJobQueue<DeliveryJobData>(queueName(channel), config, logger, 'DeliveryQueues')]),
    ) as Record<Channel, Queue<DeliveryJobData>>;
  }

  queue(channel: string): Queue<DeliveryJobData> {
    const queue = this.byChannel[channel as Channel];
    if (!queue) throw new Error(`no queue for channel ${channel}`);
    return queue;
  }

  all(): Queue<DeliveryJobData>[] {
    return Object.values(this.byChannel);
  }

  /** Bounded retries with exponential backoff; completed jobs go (the row is the record), failed ones stay a month. */
  jobOptions(): JobsOptions {
    return {
      attempts: this.config.DELIVERY_MAX_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.DELIVERY_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}

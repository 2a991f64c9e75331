import { Injectable } from '@nestjs/common';
import type { EventConsumerServer } from './kafka/event-consumer.server';

/** Holds the service's consumer once bootstrap has created it (for health and admin). */
@Injectable()
export class ConsumerRegistry {
  server: EventConsumerServer | null = null;
}

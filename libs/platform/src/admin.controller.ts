import { BadRequestException, Body, Controller, ForbiddenException, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Clock, ControllableClock } from './clock/clock';
import { ConsumerRegistry } from './consumer-registry';

/** Operator endpoints: consumer counters, releasing parked events, and the test clock. */
@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(
    @Inject(ConsumerRegistry) private readonly consumers: ConsumerRegistry,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('consumer')
  consumer() {
    const server = this.consumers.server;
    if (!server) throw new NotFoundException('this service consumes no topic');
    return { connected: server.isConnected, counts: server.stats, groupedCommits: server.groupedCommits, mergedGroupCommits: server.mergedGroupCommits, kafka: server.kafkaRequests, batchedEvents: server.batchedEvents, latency: server.latency };
  }

  /** Replays the events held back behind a dead-lettered one of this referral, in order. */
  @Post('parked/:key/release')
  @HttpCode(200)
  async release(@Param('key') key: string) {
    const server = this.consumers.server;
    if (!server) throw new NotFoundException('this service consumes no topic');
    return { key, outcomes: await server.releaseParkedKey(key) };
  }

  @Get('clock')
  now() {
    return { now: this.clock.now().toISOString(), controllable: this.clock instanceof ControllableClock };
  }

  /** Moves the service's clock (only when started with CLOCK_MODE=controllable). */
  @Post('clock')
  @HttpCode(200)
  async setClock(@Body() body: { advanceMs?: number; set?: string }) {
    if (!(this.clock instanceof ControllableClock)) throw new ForbiddenException('the clock is not controllable (CLOCK_MODE=system)');
    if (typeof body?.advanceMs === 'number' && body.advanceMs >= 0) this.clock.advance(body.advanceMs);
    else if (typeof body?.set === 'string' && !Number.isNaN(Date.parse(body.set))) this.clock.set(new Date(body.set));
    else throw new BadRequestException('give advanceMs (a non-negative number) or set (an ISO 8601 instant)');
    await this.clock.notifyMoved();
    return { now: this.clock.now().toISOString() };
  }
}

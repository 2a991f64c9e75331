import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConsumerRegistry } from '../consumer-registry';

export interface HealthCheck {
  name: string;
  check(): Promise<Record<string, unknown> | void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/**
 * Runs every registered check with a time limit; one failing check makes the service not
 * ready. A service with an event consumer also shows its Kafka component down while that
 * consumer is not in its group and fetching (crashed, restarting, stopped): the broker may
 * answer, but the service would silently not consume.
 */
@Injectable()
export class HealthService {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Optional() @Inject(ConsumerRegistry) private readonly consumers?: ConsumerRegistry,
  ) {}

  async check(timeoutMs = 2000) {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          const detail = await Promise.race([
            c.check(),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
          ]);
          const consumerDown = c.name === 'kafka' ? this.consumerProblem() : null;
          if (consumerDown) return [c.name, { status: 'down', error: consumerDown, ...(detail ?? {}) }] as const;
          return [c.name, { status: 'ok', ...(detail ?? {}) }] as const;
        } catch (error) {
          return [c.name, { status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const components = Object.fromEntries(results);
    const status = results.every(([, r]) => r.status === 'ok') ? 'ok' : 'down';
    return { status, components };
  }

  private consumerProblem(): string | null {
    const server = this.consumers?.server;
    if (!server) return null;
    const { state, lastCrash } = server.health;
    return state === 'ready' ? null : `consumer ${state}${lastCrash ? ` (last crash: ${lastCrash})` : ''}`;
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConsumerRegistry } from '../consumer-registry';

export interface HealthCheck {
  name: string;
  check(): Promise<Record<string, unknown> | void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/**
 * Runs every registered check with a time limit; one failing check makes the service not
 * ready. A service with an event consumer is also not ready while that consumer is not in
 * its group and fetching (crashed, restarting, stopped): it would silently not consume.
 */
@Injectable()
export class HealthService {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Optional() @Inject(ConsumerRegistry) private readonly consumers?: ConsumerRegistry,
  ) {}

  private consumerCheck(): HealthCheck | null {
    const server = this.consumers?.server;
    if (!server) return null;
    return {
      name: 'consumer',
      check: async () => {
        const { state, lastCrash } = server.health;
        if (state !== 'ready') throw new Error(`consumer ${state}${lastCrash ? ` (last crash: ${lastCrash})` : ''}`);
        return { state };
      },
    };
  }

  async check(timeoutMs = 2000) {
    const consumer = this.consumerCheck();
    const checks = consumer ? [...this.checks, consumer] : this.checks;
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          const detail = await Promise.race([
            c.check(),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
          ]);
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
}

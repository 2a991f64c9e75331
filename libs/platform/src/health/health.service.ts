import { Inject, Injectable } from '@nestjs/common';

export interface HealthCheck {
  name: string;
  check(): Promise<Record<string, unknown> | void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** Runs every registered check with a time limit; one failing check makes the service not ready. */
@Injectable()
export class HealthService {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  async check(timeoutMs = 2000) {
    const results = await Promise.all(
      this.checks.map(async (c) => {
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

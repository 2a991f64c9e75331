import { JsonLogger } from './json-logger';
import { RequestContext } from './request-context';

describe('JsonLogger', () => {
  const capture = (level: 'log' | 'warn' = 'log') => {
    const lines: Array<Record<string, unknown>> = [];
    return { lines, logger: new JsonLogger('referral', level, (line) => lines.push(JSON.parse(line))) };
  };

  it('writes one JSON object per line with the service, level and context name', () => {
    const { lines, logger } = capture();
    logger.log('listening', 'Bootstrap');
    expect(lines).toEqual([expect.objectContaining({ level: 'log', service: 'referral', context: 'Bootstrap', msg: 'listening' })]);
  });

  it('carries the correlation id of the event or request being handled', async () => {
    const { lines, logger } = capture();
    await RequestContext.run({ correlationId: 'corr-1', eventId: 'evt-1', referralId: 'ref-1' }, async () => {
      await Promise.resolve();
      logger.warn({ msg: 'retrying', attempt: 2 }, 'EventConsumer');
    });
    logger.log('outside');
    expect(lines[0]).toMatchObject({ correlationId: 'corr-1', eventId: 'evt-1', referralId: 'ref-1', attempt: 2, msg: 'retrying' });
    expect(lines[1].correlationId).toBeUndefined();
  });

  it('drops lines below its level and keeps error details', () => {
    const { lines, logger } = capture('warn');
    logger.log('noise');
    logger.debug('more noise');
    logger.error(new Error('boom'), 'Relay');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', context: 'Relay', err: { name: 'Error' } });
  });
});

import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { PermanentError } from './errors';
import { retryTransient } from './retry-transient';

const deadlock = () => new QueryFailedError('UPDATE t SET x = 1', [], Object.assign(new DatabaseError('deadlock detected', 100, 'error'), { code: '40P01' }));

describe('retryTransient', () => {
  const options = () => ({ logger: { warn: jest.fn() }, context: 'Test', baseDelayMs: 1 });

  it('tries a deadlock again and says so, then returns what the work returned', async () => {
    const work = jest.fn().mockRejectedValueOnce(deadlock()).mockRejectedValueOnce(deadlock()).mockResolvedValue(42);
    const o = options();
    await expect(retryTransient('marking rows', work, o)).resolves.toBe(42);
    expect(work).toHaveBeenCalledTimes(3);
    expect(o.logger.warn).toHaveBeenCalledWith(expect.objectContaining({ msg: 'marking rows failed transiently; trying again', attempt: 1, error: expect.stringContaining('SQLSTATE 40P01') }), 'Test');
  });

  it('tries a refused connection again', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', port: 5432 });
    const work = jest.fn().mockRejectedValueOnce(refused).mockResolvedValue('ok');
    await expect(retryTransient('creating the database', work, options())).resolves.toBe('ok');
  });

  it('throws anything else at once', async () => {
    const work = jest.fn().mockRejectedValue(new PermanentError('no'));
    await expect(retryTransient('work', work, options())).rejects.toThrow('no');
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('gives up after its attempts with the last failure', async () => {
    const work = jest.fn().mockRejectedValue(deadlock());
    await expect(retryTransient('work', work, { ...options(), attempts: 3 })).rejects.toThrow('deadlock detected');
    expect(work).toHaveBeenCalledTimes(3);
  });
});

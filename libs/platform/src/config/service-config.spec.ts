import { ConfigError, loadConfig, ServiceConfig } from './service-config';

describe('loadConfig', () => {
  const defaults = { PORT: 3001, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_referral' };

  it('fills defaults and converts numbers', () => {
    const config = loadConfig(ServiceConfig, { CONSUMER_MAX_ATTEMPTS: '7' }, defaults);
    expect(config.PORT).toBe(3001);
    expect(config.CONSUMER_MAX_ATTEMPTS).toBe(7);
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(config.CLOCK_MODE).toBe('system');
  });

  it('lets the environment override a default', () => {
    expect(loadConfig(ServiceConfig, { PORT: '4000', KAFKA_BROKERS: 'k1:9092,k2:9092' }, defaults)).toMatchObject({ PORT: 4000, KAFKA_BROKERS: 'k1:9092,k2:9092' });
  });

  it('names every invalid variable, with what it got and why', () => {
    try {
      loadConfig(ServiceConfig, { PORT: 'eighty', KAFKA_BROKERS: 'localhost', CLOCK_MODE: 'fast', CONSUMER_MAX_ATTEMPTS: '0' }, defaults);
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect((error as ConfigError).problems).toHaveLength(4);
      expect(message).toMatch(/PORT \(got "eighty"\)/);
      expect(message).toMatch(/KAFKA_BROKERS \(got "localhost"\): KAFKA_BROKERS must be host:port/);
      expect(message).toMatch(/CLOCK_MODE \(got "fast"\)/);
      expect(message).toMatch(/CONSUMER_MAX_ATTEMPTS \(got "0"\)/);
    }
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig(ServiceConfig, {}, { PORT: 3001 })).toThrow(/DATABASE_URL \(missing\)/);
  });
});

describe('DATABASE_* settings', () => {
  const defaults = { PORT: 3001, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_referral' };

  it('build each service its URL on a server with password authentication, keeping its database', () => {
    const env = { DATABASE_HOST: 'db.internal', DATABASE_PORT: '6432', DATABASE_USER: 'ddp', DATABASE_PASSWORD: 'p@ss/word' };
    expect(loadConfig(ServiceConfig, env, defaults).DATABASE_URL).toBe('postgres://ddp:p%40ss%2Fword@db.internal:6432/ddp_referral');
  });

  it('replace the ddp_ of the database name with DATABASE_NAME_PREFIX', () => {
    expect(loadConfig(ServiceConfig, { DATABASE_NAME_PREFIX: 'ddp_first_run_' }, defaults).DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/ddp_first_run_referral');
  });

  it('give way to DATABASE_URL', () => {
    expect(loadConfig(ServiceConfig, { DATABASE_URL: 'postgres://a@b:1/c', DATABASE_PASSWORD: 'x' }, defaults).DATABASE_URL).toBe('postgres://a@b:1/c');
  });
});

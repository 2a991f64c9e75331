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

describe('KAFKA_SECURITY_PROTOCOL and the SASL/TLS settings', () => {
  const defaults = { PORT: 3001, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_referral' };
  const secured = { KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', KAFKA_SASL_USERNAME: 'referral', KAFKA_SASL_PASSWORD: 'from-a-secret', KAFKA_SSL_CA_FILE: __filename };

  it('is plaintext by default, with no login', () => {
    const config = loadConfig(ServiceConfig, {}, defaults);
    expect(config.KAFKA_SECURITY_PROTOCOL).toBe('plaintext');
    expect([config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD]).toEqual([undefined, undefined]);
  });

  it('takes a principal, its password and a CA file', () => {
    expect(loadConfig(ServiceConfig, secured, defaults)).toMatchObject({ ...secured, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
  });

  it('has no default for the principal or its password: refuses to start naming each, without echoing a secret', () => {
    const attempt = () => loadConfig(ServiceConfig, { KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' }, defaults);
    expect(attempt).toThrow(/KAFKA_SASL_USERNAME \(missing\): KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL=sasl_ssl/);
    expect(attempt).toThrow(/KAFKA_SASL_PASSWORD \(missing\): KAFKA_SASL_PASSWORD is required with KAFKA_SECURITY_PROTOCOL=sasl_ssl/);
  });

  it('refuses an unknown protocol or mechanism, and a CA file that cannot be read', () => {
    const attempt = () => loadConfig(ServiceConfig, { ...secured, KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SSL_CA_FILE: '/nowhere/ca.pem' }, defaults);
    expect(attempt).toThrow(/KAFKA_SECURITY_PROTOCOL \(got "ssl"\)/);
    expect(attempt).toThrow(/KAFKA_SASL_MECHANISM \(got "plain"\)/);
    expect(attempt).toThrow(/KAFKA_SSL_CA_FILE \(got "\/nowhere\/ca.pem"\): KAFKA_SSL_CA_FILE must name a readable file/);
  });
});

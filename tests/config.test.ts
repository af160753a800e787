import path from 'node:path';
import { ConfigError, loadConfig } from '../services/config';

describe('configuration', () => {
  it('has working defaults: embedded database in ./data, port 3978, Shanghai time', () => {
    const config = loadConfig({}, '/srv/aftercare');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve('/srv/aftercare', 'data') });
    expect(config.port).toBe(3978);
    expect(config.shopTimeZone).toBe('Asia/Shanghai');
    expect(config.logLevel).toBe('info');
    expect(config.teams.appId).toBeUndefined();
    expect(config.wechat.puppet).toBeUndefined();
  });

  it.each([
    ['postgresql://u:p@db:5432/aftercare', { kind: 'postgres', url: 'postgresql://u:p@db:5432/aftercare' }],
    ['postgres://db/aftercare', { kind: 'postgres', url: 'postgres://db/aftercare' }],
    ['pglite:./tmp/db', { kind: 'pglite', dataDir: path.resolve('/srv', 'tmp/db') }],
    ['pglite:memory', { kind: 'pglite', dataDir: null }],
  ])('DATABASE_URL=%s selects the engine', (url, expected) => {
    expect(loadConfig({ DATABASE_URL: url }, '/srv').database).toEqual(expected);
  });

  const invalid: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['a port that is not a number', { PORT: 'eighty' }, /^ {2}- PORT /m],
    ['a port out of range', { PORT: '70000' }, /PORT/],
    ['an unknown database scheme', { DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL must be postgresql:\/\/.*pglite:<directory>/],
    ['an unknown time zone', { SHOP_TIME_ZONE: 'Mars/Olympus' }, /SHOP_TIME_ZONE must be an IANA time zone/],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    ['SingleTenant without tenant', { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: 'abc', MicrosoftAppPassword: 'x' }, /MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant/],
    ['an app id without password', { MicrosoftAppId: 'abc' }, /MicrosoftAppPassword is required when MicrosoftAppId is set/],
    ['puppet-service without token', { WECHATY_PUPPET: 'wechaty-puppet-service' }, /WECHATY_PUPPET_SERVICE_TOKEN is required/],
    ['a short API key', { AFTERCARE_API_KEY: 'short' }, /AFTERCARE_API_KEY must be at least 16 characters/],
  ];
  it.each(invalid)('refuses %s with a message naming the variable', (_label, env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid configuration:/);
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes secrets back', () => {
    expect(() => loadConfig({ AFTERCARE_API_KEY: 'tiny-secret' })).toThrow(ConfigError);
    try {
      loadConfig({ AFTERCARE_API_KEY: 'tiny-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('tiny-secret');
    }
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
      throw new Error('should have failed');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});

import { ConfigError, loadConfig } from '../services/config';

/**
 * Issue 11 item 2: without Teams credentials the bot listened on 0.0.0.0, unauthenticated,
 * and a mistyped credential name started it the same way without a word.
 */
function problems(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

const CREDS = { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret-value' };

describe('safe defaults', () => {
  it('listens on loopback only without Teams credentials (local mode)', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.teams.auth).toBe('local');
  });

  it('listens on every interface with Teams credentials', () => {
    const config = loadConfig(CREDS);
    expect(config.host).toBe('0.0.0.0');
    expect(config.teams.auth).toBe('on');
  });

  it('refuses a wider HOST without credentials unless the operator accepts it explicitly', () => {
    expect(problems({ HOST: '0.0.0.0' })).toMatch(/HOST would expose \/api\/messages without authentication on 0\.0\.0\.0: set MicrosoftAppId and MicrosoftAppPassword, or also set AFTERCARE_ALLOW_UNAUTHENTICATED=true/);
    expect(problems({ HOST: '192.168.1.20' })).toMatch(/HOST would expose/);
    const open = loadConfig({ HOST: '0.0.0.0', AFTERCARE_ALLOW_UNAUTHENTICATED: 'true' });
    expect(open).toMatchObject({ host: '0.0.0.0', teams: { auth: 'open' } });
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.5']) expect(loadConfig({ HOST: host })).toMatchObject({ host, teams: { auth: 'local' } });
    expect(problems({ ...CREDS, AFTERCARE_ALLOW_UNAUTHENTICATED: 'true' })).toMatch(/AFTERCARE_ALLOW_UNAUTHENTICATED contradicts MicrosoftAppId/);
  });
});

describe('partial or misspelled Teams credentials stop start-up, naming the variable', () => {
  it.each([
    ['a password without an app id', { MicrosoftAppPassword: 'x' }, /MicrosoftAppId is required when MicrosoftAppPassword is set/],
    ['a tenant without an app id', { MicrosoftAppTenantId: 'contoso' }, /MicrosoftAppId is required when MicrosoftAppTenantId is set/],
    ['a blank app id', { MicrosoftAppId: '', MicrosoftAppPassword: 'x' }, /MicrosoftAppId is set but blank/],
    ['a blank app id alone', { MicrosoftAppId: '  ' }, /MicrosoftAppId is set but blank/],
    ['MicrosoftAppID', { MicrosoftAppID: 'abc', MicrosoftAppPassword: 'x' }, /MicrosoftAppID is not a setting aftercare reads: did you mean MicrosoftAppId\?/],
    ['MICROSOFT_APP_ID', { MICROSOFT_APP_ID: 'abc' }, /MICROSOFT_APP_ID is not a setting aftercare reads: did you mean MicrosoftAppId\?/],
    ['microsoft_app_password', { ...CREDS, microsoft_app_password: 'x' }, /microsoft_app_password .* did you mean MicrosoftAppPassword\?/],
    ['MicrosoftAppPasword', { MicrosoftAppId: 'abc', MicrosoftAppPasword: 'x' }, /MicrosoftAppPasword .* did you mean MicrosoftAppPassword\?/],
    ['MicrosoftAppTenantID', { ...CREDS, MicrosoftAppTenantID: 't' }, /MicrosoftAppTenantID .* did you mean MicrosoftAppTenantId\?/],
    ['MICROSOFTAPPTYPE', { ...CREDS, MICROSOFTAPPTYPE: 'SingleTenant' }, /MICROSOFTAPPTYPE .* did you mean MicrosoftAppType\?/],
  ])('%s', (_label, env, message) => {
    const text = problems(env as NodeJS.ProcessEnv);
    expect(text).toMatch(message);
    // Never the secret itself.
    expect(text).not.toContain('secret-value');
  });

  it('leaves unrelated names alone', () => {
    expect(() => loadConfig({ ...CREDS, MICROSOFT_EDGE_PATH: '/opt/edge', MSAPPCENTER: 'x' })).not.toThrow();
  });
});

describe('AFTERCARE_CONNECTOR_HOSTS', () => {
  it('parses host, host:port, host:* and *.domain entries', () => {
    const config = loadConfig({ AFTERCARE_CONNECTOR_HOSTS: 'smba.trafficmanager.net, *.botframework.com, 127.0.0.1:3979, localhost:*' });
    expect(config.teams.connectorHosts).toEqual([
      { text: 'smba.trafficmanager.net', host: 'smba.trafficmanager.net', wildcard: false, port: null, loopback: false },
      { text: '*.botframework.com', host: 'botframework.com', wildcard: true, port: null, loopback: false },
      { text: '127.0.0.1:3979', host: '127.0.0.1', wildcard: false, port: 3979, loopback: true },
      { text: 'localhost:*', host: 'localhost', wildcard: false, port: '*', loopback: true },
    ]);
    expect(loadConfig({}).teams.connectorHosts).toBeNull();
  });

  it.each([
    ['a link-local address', '169.254.169.254', /169\.254\.169\.254" is a linkLocal address/],
    ['a wildcard over a TLD', '*.net', /is a wildcard over a top-level domain/],
    ['a URL instead of a host', 'https://smba.trafficmanager.net/amer/', /is not host, host:port/],
    ['a bare star', '*', /is not host/],
    ['a port out of range', 'example.com:70000', /port out of range/],
  ])('refuses %s', (_label, value, message) => {
    expect(problems({ AFTERCARE_CONNECTOR_HOSTS: value })).toMatch(message);
  });

  it('allows loopback connectors only in local mode', () => {
    expect(problems({ ...CREDS, AFTERCARE_CONNECTOR_HOSTS: 'localhost:3979' })).toMatch(/AFTERCARE_CONNECTOR_HOSTS may name a loopback host \(localhost:3979\) only in local mode/);
  });
});

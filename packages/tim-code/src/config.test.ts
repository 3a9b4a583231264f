import { DEFAULT_ALLOWED_ORIGINS, loadConfig, parseRate } from './config';

describe('parseRate', () => {
  it('reads count/window with s, m and h windows', () => {
    expect(parseRate('20/10s')).toEqual({ points: 20, durationSeconds: 10 });
    expect(parseRate('10/1m')).toEqual({ points: 10, durationSeconds: 60 });
    expect(parseRate('20/h')).toEqual({ points: 20, durationSeconds: 3600 });
    expect(parseRate('0/1s')).toBeUndefined();
    expect(parseRate('ten per minute')).toBeUndefined();
  });
});

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    const result = loadConfig({});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
      logLevel: 'info',
      logFormat: 'pretty',
      heartbeatMs: 30_000,
      rateMessages: { points: 20, durationSeconds: 10 },
      rateLogin: { points: 10, durationSeconds: 60 },
      rateRegister: { points: 20, durationSeconds: 3600 },
      rateActivity: { points: 60, durationSeconds: 10 },
      rateStreamAppends: { points: 600, durationSeconds: 10 },
      rateSpaces: { points: 60, durationSeconds: 3600 },
      maxSpacesPerTimite: 1000,
      rateChanges: { points: 60, durationSeconds: 10 },
      rateSearch: { points: 30, durationSeconds: 60 },
      rateCalls: { points: 30, durationSeconds: 60 },
      abilityTimeoutMs: 60_000,
      abilityTimeoutMaxMs: 300_000,
      maxReactionsPerMessage: 20,
      maxReactionsPerTimite: 10,
      streamFlushMs: 50,
      streamIdleMs: 30_000,
      streamsPerTimite: 3,
      trustProxy: false,
      slowConsumerBytes: 1_048_576,
      maxAgentStreak: 10,
      presenceFanoutMaxSubscriptions: 500,
      presenceLivenessMs: 30_000,
      presenceSweepMs: 10_000,
      webDir: undefined,
      redisUrl: undefined,
      redisPrefix: 'tim:',
      databaseUrl: undefined,
      maxContentChars: 4000,
      maxBodyBytes: 16_384,
      maxFrameBytes: 65_536,
      maxSubscriptionsPerConnection: 50,
      maxConnectionsPerTimite: 20,
      maxUnauthenticatedPerAddress: 100,
      authTimeoutMs: 10_000,
      revocationPollMs: 1000,
    });
    expect(result.config.dataDir.endsWith('.tim')).toBe(true);
  });

  it('logs JSON by default in production', () => {
    const result = loadConfig({ NODE_ENV: 'production' });
    expect(result.ok && result.config.logFormat).toBe('json');
  });

  it('accepts port 0 and a list of origins', () => {
    const result = loadConfig({ TIM_PORT: '0', TIM_ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080/' });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.port).toBe(0);
    expect(result.config.allowedOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
  });

  it('reads TIM_PUBLIC_URL as an origin, absent by default, and refuses what is not http(s)', () => {
    const publicOf = (value: string | undefined) => {
      const result = loadConfig({ TIM_PUBLIC_URL: value });
      return result.ok ? result.config.publicOrigin : result.errors;
    };
    expect(publicOf(undefined)).toBeUndefined();
    expect(publicOf('https://chat.example.com/tim/')).toBe('https://chat.example.com');
    expect(publicOf('ftp://chat.example.com')).toEqual([expect.stringContaining('TIM_PUBLIC_URL')]);
  });

  it('reads TIM_TRUST_PROXY as off, a hop count, or a list of trusted peers, and refuses anything else', () => {
    const trustOf = (value: string | undefined) => {
      const result = loadConfig({ TIM_TRUST_PROXY: value });
      return result.ok ? result.config.trustProxy : result.errors;
    };
    expect(trustOf(undefined)).toBe(false);
    expect(trustOf('false')).toBe(false);
    expect(trustOf('1')).toBe(1);
    expect(trustOf('loopback, 10.0.0.0/8,::1')).toEqual(['loopback', '10.0.0.0/8', '::1']);
    for (const bad of ['proxy.example', '10.0.0.0/33', 'true-ish', '1.2.3']) {
      const errors = trustOf(bad);
      expect(Array.isArray(errors) && typeof errors[0] === 'string' && errors[0].startsWith('TIM_TRUST_PROXY:')).toBe(
        true,
      );
    }
  });

  it('reads TIM_DATABASE_URL as a postgres:// or postgresql:// URL', () => {
    for (const url of ['postgres://postgres@127.0.0.1:5432/test', 'postgresql://tim:secret@db.example/tim']) {
      const result = loadConfig({ TIM_DATABASE_URL: url });
      expect(result.ok && result.config.databaseUrl).toBe(url);
    }
  });

  it('reads TIM_REDIS_URL as a redis:// or rediss:// URL', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://user:secret@redis.example:6380/2']) {
      const result = loadConfig({ TIM_REDIS_URL: url });
      expect(result.ok && result.config.redisUrl).toBe(url);
    }
  });

  it('reads the presence liveness and sweep intervals, and refuses a sweep slower than the liveness', () => {
    const result = loadConfig({ TIM_PRESENCE_LIVENESS_MS: '2000', TIM_PRESENCE_SWEEP_MS: '250' });
    expect(result.ok && [result.config.presenceLivenessMs, result.config.presenceSweepMs]).toEqual([2000, 250]);
    const errorsOf = (env: NodeJS.ProcessEnv) => {
      const loaded = loadConfig(env);
      return loaded.ok ? [] : loaded.errors;
    };
    expect(errorsOf({ TIM_PRESENCE_LIVENESS_MS: '999' })).toEqual([
      'TIM_PRESENCE_LIVENESS_MS: expected a whole number from 1000 to 600000, got "999"',
    ]);
    expect(errorsOf({ TIM_PRESENCE_SWEEP_MS: '1.5' })).toEqual([
      'TIM_PRESENCE_SWEEP_MS: expected a whole number from 100 to 600000, got "1.5"',
    ]);
    expect(errorsOf({ TIM_PRESENCE_LIVENESS_MS: '5000', TIM_PRESENCE_SWEEP_MS: '6000' })).toEqual([
      'TIM_PRESENCE_SWEEP_MS: expected at most TIM_PRESENCE_LIVENESS_MS (5000), got "6000"',
    ]);
  });

  it('refuses a default ability timeout past the longest one a call may ask for', () => {
    const errorsOf = (env: NodeJS.ProcessEnv) => {
      const loaded = loadConfig(env);
      return loaded.ok ? [] : loaded.errors;
    };
    expect(errorsOf({ TIM_ABILITY_TIMEOUT_MS: '90000', TIM_ABILITY_TIMEOUT_MAX_MS: '30000' })).toEqual([
      'TIM_ABILITY_TIMEOUT_MS: expected at most TIM_ABILITY_TIMEOUT_MAX_MS (30000), got "90000"',
    ]);
    expect(errorsOf({ TIM_ABILITY_TIMEOUT_MAX_MS: '600000' })).toEqual([
      'TIM_ABILITY_TIMEOUT_MAX_MS: expected a whole number from 1000 to 300000, got "600000"',
    ]);
  });

  it('reads every limit from its variable', () => {
    const result = loadConfig({
      TIM_MAX_CONTENT_CHARS: '500',
      TIM_MAX_BODY_BYTES: '4096',
      TIM_MAX_FRAME_BYTES: '2048',
      TIM_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
      TIM_MAX_CONNECTIONS_PER_TIMITE: '2',
      TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: '5',
      TIM_AUTH_TIMEOUT_MS: '1500',
      TIM_MAX_SPACES_PER_TIMITE: '7',
      TIM_RATE_SPACES: '3/1m',
      TIM_RATE_CHANGES: '5/1s',
      TIM_RATE_SEARCH: '2/1h',
      TIM_RATE_CALLS: '4/1m',
      TIM_ABILITY_TIMEOUT_MS: '5000',
      TIM_ABILITY_TIMEOUT_MAX_MS: '20000',
      TIM_MAX_REACTIONS_PER_MESSAGE: '3',
      TIM_MAX_REACTIONS_PER_TIMITE: '2',
    });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config).toMatchObject({
      rateChanges: { points: 5, durationSeconds: 1 },
      rateSearch: { points: 2, durationSeconds: 3600 },
      rateCalls: { points: 4, durationSeconds: 60 },
      abilityTimeoutMs: 5000,
      abilityTimeoutMaxMs: 20_000,
      maxReactionsPerMessage: 3,
      maxReactionsPerTimite: 2,
      maxSpacesPerTimite: 7,
      rateSpaces: { points: 3, durationSeconds: 60 },
      maxContentChars: 500,
      maxBodyBytes: 4096,
      maxFrameBytes: 2048,
      maxSubscriptionsPerConnection: 3,
      maxConnectionsPerTimite: 2,
      maxUnauthenticatedPerAddress: 5,
      authTimeoutMs: 1500,
    });
  });

  it('refuses limits out of range, one line each naming the variable and the range', () => {
    const bad = {
      TIM_MAX_CONTENT_CHARS: '0',
      TIM_MAX_BODY_BYTES: '100',
      TIM_MAX_FRAME_BYTES: '16MiB',
      TIM_MAX_SUBSCRIPTIONS_PER_CONNECTION: '-1',
      TIM_MAX_CONNECTIONS_PER_TIMITE: '2.5',
      TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: '0',
      TIM_AUTH_TIMEOUT_MS: '10',
      TIM_MAX_SPACES_PER_TIMITE: '-1',
      TIM_MAX_REACTIONS_PER_MESSAGE: '0',
      TIM_MAX_REACTIONS_PER_TIMITE: '1001',
    };
    const result = loadConfig(bad);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(Object.keys(bad).length);
    for (const [name, value] of Object.entries(bad)) {
      expect(
        errors.filter(
          (line) => line.startsWith(`${name}: expected a whole number from `) && line.endsWith(`got "${value}"`),
        ),
      ).toHaveLength(1);
    }
  });

  it('refuses a body limit that cannot hold a message of the content limit, naming both and the smallest that fits', () => {
    const tooSmall = loadConfig({ TIM_MAX_CONTENT_CHARS: '8000' });
    expect(tooSmall.ok).toBe(false);
    const errors = tooSmall.ok ? [] : tooSmall.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^TIM_MAX_BODY_BYTES: .*16384.*TIM_MAX_CONTENT_CHARS.*8000.*32256/);

    const fits = loadConfig({ TIM_MAX_CONTENT_CHARS: '8000', TIM_MAX_BODY_BYTES: '32256' });
    expect(fits.ok && fits.config.maxBodyBytes).toBe(32_256);
    // The defaults themselves fit: 4000 four-byte characters and a clientMsgId in 16 KiB.
    expect(loadConfig({ TIM_MAX_BODY_BYTES: '16256' }).ok).toBe(true);
    expect(loadConfig({ TIM_MAX_BODY_BYTES: '16255' }).ok).toBe(false);
  });

  it('warns of TIM_* variables it does not read, naming the setting a misspelling was meant as', () => {
    const result = loadConfig({
      TIM_MAX_CONTENT_CHAR: '100',
      TIM_PORTT: '9000',
      TIM_SOMETHING_ELSE_ENTIRELY: 'x',
      TIM_URL: 'http://127.0.0.1:8787',
      TIM_AGENT_TOKEN_JARVIS: 'secret',
      TIM_TEST_REDIS_URL: 'redis://127.0.0.1:6379',
      TIM_PORT: '0',
    });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.maxContentChars).toBe(4000);
    expect(result.warnings).toEqual([
      'TIM_MAX_CONTENT_CHAR is not a tim-code setting and is ignored; did you mean TIM_MAX_CONTENT_CHARS?',
      'TIM_PORTT is not a tim-code setting and is ignored; did you mean TIM_PORT?',
      'TIM_SOMETHING_ELSE_ENTIRELY is not a tim-code setting and is ignored',
    ]);
    const clean = loadConfig({ TIM_PORT: '0' });
    expect(clean.ok && clean.warnings).toEqual([]);
  });

  it('reads the registration policy (open by default) and the admins’ nicks in lower case', () => {
    const defaults = loadConfig({});
    expect(defaults.ok && [defaults.config.registration, defaults.config.admins]).toEqual(['open', []]);
    const set = loadConfig({ TIM_REGISTRATION: 'invite', TIM_ADMINS: 'Ada, bob.b ,' });
    expect(set.ok && [set.config.registration, set.config.admins]).toEqual(['invite', ['ada', 'bob.b']]);
    const bad = loadConfig({ TIM_REGISTRATION: 'maybe', TIM_ADMINS: 'not a nick' });
    expect(bad.ok ? [] : bad.errors.map((line) => line.split(':')[0])).toEqual(['TIM_REGISTRATION', 'TIM_ADMINS']);
  });

  it('reports one clear line per bad value, naming the variable', () => {
    const result = loadConfig({
      TIM_PORT: '99999',
      TIM_LOG_LEVEL: 'loud',
      TIM_RATE_MESSAGES: '20 per 10s',
      TIM_HEARTBEAT_MS: 'soon',
      TIM_WEB_DIR: '/no/such/dir',
      TIM_REDIS_URL: '127.0.0.1:6379',
      TIM_DATABASE_URL: 'mysql://db/tim',
      TIM_REVOCATION_POLL_MS: '5',
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(8);
    for (const name of [
      'TIM_PORT',
      'TIM_LOG_LEVEL',
      'TIM_RATE_MESSAGES',
      'TIM_HEARTBEAT_MS',
      'TIM_WEB_DIR',
      'TIM_REDIS_URL',
      'TIM_DATABASE_URL',
      'TIM_REVOCATION_POLL_MS',
    ]) {
      expect(errors.filter((line) => line.startsWith(`${name}:`))).toHaveLength(1);
    }
  });
});

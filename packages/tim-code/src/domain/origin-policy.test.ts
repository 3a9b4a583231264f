import { createOriginPolicy, defaultPublicOrigins } from './origin-policy';

describe('createOriginPolicy', () => {
  const allowedOrigins = ['http://localhost:5173'];

  it('accepts requests without Origin, the loopback origins of the listening port and listed origins', () => {
    const policy = createOriginPolicy({ publicOrigin: undefined, allowedOrigins, host: '127.0.0.1' });
    policy.listeningOn(8787);
    expect(policy.isAllowed(undefined)).toBe(true);
    for (const origin of [
      'http://127.0.0.1:8787',
      'http://localhost:8787',
      'http://[::1]:8787',
      'http://LOCALHOST:8787',
    ])
      expect({ origin, allowed: policy.isAllowed(origin) }).toEqual({ origin, allowed: true });
    expect(policy.isAllowed('http://localhost:5173')).toBe(true);
  });

  it('refuses other origins, other ports, look-alikes and garbage', () => {
    const policy = createOriginPolicy({ publicOrigin: undefined, allowedOrigins, host: '127.0.0.1' });
    policy.listeningOn(8787);
    for (const origin of [
      'https://evil.example',
      'http://localhost:5174',
      'http://localhost:8788',
      'https://localhost:8787',
      'http://localhost.evil.example:8787',
      'null',
      'not a url',
    ])
      expect({ origin, allowed: policy.isAllowed(origin) }).toEqual({ origin, allowed: false });
  });

  it('takes no Host header into account: a DNS-rebinding page’s origin names its own host', () => {
    // The page at http://rebind.evil.example:8787 resolves to this server; its Origin and Host agree.
    const policy = createOriginPolicy({ publicOrigin: undefined, allowedOrigins: [], host: '0.0.0.0' });
    policy.listeningOn(8787);
    expect(policy.isAllowed('http://rebind.evil.example:8787')).toBe(false);
  });

  it('with TIM_PUBLIC_URL accepts that origin instead of the loopback defaults', () => {
    const policy = createOriginPolicy({ publicOrigin: 'https://chat.example.com', allowedOrigins, host: '127.0.0.1' });
    policy.listeningOn(8787);
    expect(policy.isAllowed('https://chat.example.com')).toBe(true);
    expect(policy.isAllowed('http://localhost:5173')).toBe(true);
    expect(policy.isAllowed('http://127.0.0.1:8787')).toBe(false);
  });
});

describe('defaultPublicOrigins', () => {
  it('names loopback, and TIM_HOST unless it listens on every interface', () => {
    expect(defaultPublicOrigins('0.0.0.0', 80)).toEqual(['http://localhost', 'http://127.0.0.1', 'http://[::1]']);
    expect(defaultPublicOrigins('::1', 8787)).toHaveLength(3);
    expect(defaultPublicOrigins('192.168.1.5', 8787)).toContain('http://192.168.1.5:8787');
    expect(defaultPublicOrigins('fd00::5', 8787)).toContain('http://[fd00::5]:8787');
    expect(defaultPublicOrigins('::', 8787)).toHaveLength(3);
  });
});

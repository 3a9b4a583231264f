import { isOriginAllowed } from './origin-check';

describe('isOriginAllowed', () => {
  const allowlist = ['http://localhost:5173'];

  it('accepts requests without Origin, same-origin requests and listed origins', () => {
    expect(isOriginAllowed(undefined, '127.0.0.1:8787', allowlist)).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:8787', '127.0.0.1:8787', allowlist)).toBe(true);
    expect(isOriginAllowed('http://localhost:5173', '127.0.0.1:8787', allowlist)).toBe(true);
  });

  it('refuses other origins, look-alikes and garbage', () => {
    expect(isOriginAllowed('https://evil.example', '127.0.0.1:8787', allowlist)).toBe(false);
    expect(isOriginAllowed('http://localhost:5174', '127.0.0.1:8787', allowlist)).toBe(false);
    expect(isOriginAllowed('null', '127.0.0.1:8787', allowlist)).toBe(false);
  });
});

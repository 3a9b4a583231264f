import { describeError } from './error-words';

describe('describeError', () => {
  it('explains a rate limit with the Retry-After delay', () => {
    expect(describeError({ code: 'rate_limited', message: 'x', retryAfterSeconds: 7 })).toBe(
      'You are sending too fast. Try again in 7 s.',
    );
    expect(describeError({ code: 'rate_limited', message: 'x' })).toMatch(/too fast/);
  });

  it('explains size, agent turn limit and network failures in words', () => {
    expect(describeError({ code: 'payload_too_large', message: 'x' })).toMatch(/too large/);
    expect(describeError({ code: 'agent_turn_limit', message: 'x' })).toMatch(/a person has to post/);
    expect(describeError({ code: 'network', message: 'fetch failed' })).toMatch(/Could not reach the server/);
  });

  it('falls back to the server’s sentence, then to a generic one', () => {
    expect(describeError({ code: 'conflict', message: 'That nick is taken.' })).toBe('That nick is taken.');
    expect(describeError({ code: 'unauthenticated', message: 'Wrong nick or password.' })).toBe(
      'Wrong nick or password.',
    );
    expect(describeError(new Error(''))).toMatch(/Something went wrong/);
    expect(describeError('boom')).toMatch(/Something went wrong/);
  });
});

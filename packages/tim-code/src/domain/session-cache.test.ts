import type { Timite } from '@tim/protocol';
import { createSessionCache } from './session-cache';

const ada: Timite = { id: 1, nick: 'ada', kind: 'human' };
const bot: Timite = { id: 2, nick: 'bot', kind: 'agent' };

describe('createSessionCache', () => {
  it('answers until the expiry instant, then drops the entry', () => {
    const cache = createSessionCache({ maxEntries: 10 });
    cache.set('k', { timite: ada, expiresAtMs: 1000 }, cache.generation);
    expect(cache.get('k', 999)?.timite).toEqual(ada);
    expect(cache.get('k', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps agent tokens without expiry until evicted', () => {
    const cache = createSessionCache({ maxEntries: 10 });
    cache.set('token', { timite: bot, expiresAtMs: null }, cache.generation);
    expect(cache.get('token', Number.MAX_SAFE_INTEGER)?.timite).toEqual(bot);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = createSessionCache({ maxEntries: 2 });
    cache.set('a', { timite: ada, expiresAtMs: null }, cache.generation);
    cache.set('b', { timite: ada, expiresAtMs: null }, cache.generation);
    cache.get('a', 0);
    cache.set('c', { timite: ada, expiresAtMs: null }, cache.generation);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    expect(cache.get('c', 0)).toBeDefined();
  });

  it('evicts one key, or every key of one timite', () => {
    const cache = createSessionCache({ maxEntries: 10 });
    for (const [key, timite] of [
      ['ada-1', ada],
      ['ada-2', ada],
      ['bot-1', bot],
      ['bot-2', bot],
    ] as const) {
      cache.set(key, { timite, expiresAtMs: null }, cache.generation);
    }
    cache.evictKey('ada-1');
    cache.evictTimite(bot.id);
    expect(['ada-1', 'ada-2', 'bot-1', 'bot-2'].map((key) => cache.get(key, 0) !== undefined)).toEqual([
      false,
      true,
      false,
      false,
    ]);
  });

  it('refuses an answer read before an eviction: it may name a key revoked meanwhile', () => {
    const cache = createSessionCache({ maxEntries: 10 });
    const readAt = cache.generation;
    cache.evictTimite(bot.id);
    cache.set('token', { timite: bot, expiresAtMs: null }, readAt);
    expect(cache.get('token', 0)).toBeUndefined();
  });
});

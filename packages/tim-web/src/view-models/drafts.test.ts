import { Drafts } from './drafts';
import type { KeyValueStore } from './key-value-store';
import { SessionStore } from './session-store';
import { spaceIdFromName } from './space-id';

function memoryStore(): KeyValueStore & { size: () => number } {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
    size: () => map.size,
  };
}

describe('Drafts', () => {
  it('keeps one draft per space in the store, so a reload finds it again', () => {
    const store = memoryStore();
    new Drafts(store).set('main', 'half a thought');
    new Drafts(store).set('ops', 'deploy?');
    const reloaded = new Drafts(store);
    expect(reloaded.get('main')).toBe('half a thought');
    expect(reloaded.get('ops')).toBe('deploy?');
    reloaded.set('main', '');
    expect(reloaded.get('main')).toBe('');
    expect(store.size()).toBe(1);
  });
});

describe('SessionStore', () => {
  it('keeps the key until logout clears it', () => {
    const sessions = new SessionStore(memoryStore());
    expect(sessions.load()).toBeUndefined();
    sessions.save('k');
    expect(sessions.load()).toBe('k');
    sessions.clear();
    expect(sessions.load()).toBeUndefined();
  });
});

describe('spaceIdFromName', () => {
  it('makes a valid slug from a name', () => {
    expect(spaceIdFromName('Night Owls!')).toBe('night-owls');
    expect(spaceIdFromName('  Café  Ops  ')).toBe('cafe-ops');
    expect(spaceIdFromName('!!!')).toBe('');
    expect(spaceIdFromName('x'.repeat(50))).toHaveLength(40);
  });
});
